"""CDC accrochage declarations: batches of awards exported, and the CDC's answer per line."""

from django.conf import settings
from django.db import models

from acquis.exports.enums import LineStatus


class AccrochageBatch(models.Model):
    certifier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        related_name="accrochage_batches",
    )
    created_at = models.DateTimeField("exporté le")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="exporté par",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    since = models.DateField("décisions depuis le", null=True, blank=True)
    file = models.FileField("fichier XML", upload_to="accrochage/%Y/")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    line_count = models.PositiveIntegerField("passages déclarés", default=0)
    report_imported_at = models.DateTimeField("compte rendu importé le", null=True, blank=True)

    class Meta:
        verbose_name = "lot d'accrochage"
        verbose_name_plural = "lots d'accrochage"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Lot d'accrochage du {self.created_at:%d/%m/%Y %H:%M}"


class AccrochageLine(models.Model):
    """One passageCertification: an award (decision) declared in a batch."""

    batch = models.ForeignKey(
        AccrochageBatch, verbose_name="lot", on_delete=models.PROTECT, related_name="lines"
    )
    decision = models.ForeignKey(
        "juries.Decision",
        verbose_name="décision",
        on_delete=models.PROTECT,
        related_name="accrochage_lines",
    )
    id_technique = models.CharField("idTechnique", max_length=60)
    status = models.CharField(
        "état", max_length=10, choices=LineStatus.choices, default=LineStatus.EXPORTED
    )
    message = models.TextField("message de la CDC", blank=True)

    class Meta:
        verbose_name = "passage déclaré"
        verbose_name_plural = "passages déclarés"
        ordering = ["batch", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "decision"],
                name="unique_accrochage_line",
                violation_error_message="Cette décision figure déjà dans le lot.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.id_technique} ({self.get_status_display()})"
