"""The log of every e-mail the application sends (acquis.emails.services.send_email).

A row keeps what was sent (subject, body, attachments) so that the staff can send it again,
whom it concerned (candidacy, session, certifier: who may see it), and how it went. It is not
a legal record: `ACQUIS_RETENTION["email_log"]` bounds its life, and a candidate's erasure
empties the rows about them (acquis.rgpd.erasure).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from acquis.emails.enums import EmailKind, EmailStatus


class EmailLogQuerySet(models.QuerySet):
    def for_certifiers(self, certifiers):
        return self.filter(certifier__in=certifiers)

    def failed(self):
        return self.filter(status=EmailStatus.FAILED)


class EmailLog(models.Model):
    kind = models.CharField("type", max_length=30, choices=EmailKind.choices)
    recipient = models.CharField("destinataire", max_length=254)
    subject = models.CharField("objet", max_length=255)
    body = models.TextField("texte envoyé", blank=True)
    # [{"name", "mimetype", "content" (base64)}]: small files (calendar invitations).
    attachments = models.JSONField("pièces jointes", default=list, blank=True)
    certifier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    candidacy = models.ForeignKey(
        "candidates.Candidacy",
        verbose_name="candidature",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    session = models.ForeignKey(
        "evaluations.EvaluationSession",
        verbose_name="session",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    created_at = models.DateTimeField("date", db_index=True)
    status = models.CharField("état", max_length=10, choices=EmailStatus.choices)
    error = models.TextField("erreur", blank=True)
    # What makes a reminder unique (kind, object, deadline): never sent twice once sent.
    key = models.CharField("clé du rappel", max_length=120, blank=True)
    resent_from = models.ForeignKey(
        "self",
        verbose_name="renvoi de",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resends",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="envoyé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = EmailLogQuerySet.as_manager()

    class Meta:
        verbose_name = "courriel envoyé"
        verbose_name_plural = "courriels envoyés"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "recipient"],
                condition=Q(status="sent") & ~Q(key=""),
                name="email_reminder_sent_once",
                violation_error_message="Ce rappel a déjà été envoyé à cette personne.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.recipient} ({self.created_at:%d/%m/%Y %H:%M})"

    @property
    def failed(self) -> bool:
        return self.status == EmailStatus.FAILED
