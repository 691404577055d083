"""The one yearly counter behind every official number (certificates, PV)."""

from django.db import models


class CounterKind(models.TextChoices):
    # Certificates and block attestations share one sequence: a gap would show.
    CERTIFICATE = "certificate", "certificats et attestations"
    MINUTES = "minutes", "procès-verbaux"


class YearlyCounter(models.Model):
    """The last number drawn of one kind, per certifier and year (locked when drawn)."""

    certifier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField("numérotation", max_length=20, choices=CounterKind.choices)
    year = models.PositiveSmallIntegerField("année")
    last = models.PositiveIntegerField("dernier numéro", default=0)

    class Meta:
        verbose_name = "compteur annuel"
        verbose_name_plural = "compteurs annuels"
        constraints = [
            models.UniqueConstraint(
                fields=["certifier", "kind", "year"],
                name="unique_yearly_counter",
                violation_error_message="Ce compteur existe déjà.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.certifier} {self.get_kind_display()} {self.year} : {self.last}"
