"""Kinds of issued documents, declared once."""

from django.db import models


class DocumentKind(models.TextChoices):
    CERTIFICATE = "certificate", "Certificat (parchemin)"
    BLOCK_ATTESTATION = "block_attestation", "Attestation de blocs de compétences"
    MINUTES = "minutes", "Procès-verbal de délibération"
    DECISION_LETTER = "decision_letter", "Lettre de décision"
    GRID = "grid", "Grille d'évaluation"
