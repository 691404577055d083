"""States of the CDC accrochage declarations, declared once."""

from django.db import models


class LineStatus(models.TextChoices):
    EXPORTED = "exported", "Exportée"
    ACCEPTED = "accepted", "Acceptée par la CDC"
    REJECTED = "rejected", "Rejetée par la CDC (à corriger)"
