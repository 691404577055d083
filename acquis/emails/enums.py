from django.db import models


class EmailKind(models.TextChoices):
    CONVOCATION = "convocation", "Convocation"
    CONVOCATION_CANCELLED = "convocation_cancelled", "Annulation de convocation"
    DECISION = "decision", "Décision du jury"
    INVITATION = "invitation", "Invitation ou rôle"
    PASSWORD_RESET = "password_reset", "Nouveau mot de passe"
    SURVEY = "survey", "Enquête d'insertion"
    SATISFACTION = "satisfaction", "Enquête de satisfaction"
    WEBHOOK_DISABLED = "webhook_disabled", "Abonnement API désactivé"
    REMINDER_DELIVERABLES = "reminder_deliverables", "Rappel : livrables"
    REMINDER_MEMOIR = "reminder_memoir", "Rappel : mémoire"
    REMINDER_CONVOCATION = "reminder_convocation", "Rappel : confirmer la convocation"


class EmailStatus(models.TextChoices):
    SENT = "sent", "Envoyé"
    FAILED = "failed", "Échec"
