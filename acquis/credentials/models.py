"""What a decision issues: signed documents (certificate, attestation, PV, letter), their
numbers, public verification codes, and Open Badges 3.0 credentials with their status list."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from acquis.credentials.enums import DocumentKind


class CertificateCounter(models.Model):
    """The single locked generator of certificate numbers, per certifier and year."""

    certifier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField("année")
    last = models.PositiveIntegerField("dernier numéro", default=0)

    class Meta:
        verbose_name = "compteur de certificats"
        verbose_name_plural = "compteurs de certificats"
        constraints = [
            models.UniqueConstraint(
                fields=["certifier", "year"],
                name="unique_certificate_counter",
                violation_error_message="Ce compteur existe déjà.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.certifier} {self.year} : {self.last}"


class IssuedDocument(models.Model):
    """A PDF issued from a signed decision (or a PV), stored with its hash; never deleted."""

    certifier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    kind = models.CharField("document", max_length=20, choices=DocumentKind.choices)
    number = models.CharField("numéro", max_length=40, blank=True)
    decision = models.ForeignKey(
        "juries.Decision",
        verbose_name="décision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    minutes = models.ForeignKey(
        "juries.Minutes",
        verbose_name="procès-verbal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    candidate = models.ForeignKey(
        "candidates.Candidate",
        verbose_name="titulaire",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    verification_code = models.CharField("code de vérification", max_length=64, unique=True)
    file = models.FileField("fichier", upload_to="issued/%Y/")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    signed = models.BooleanField("signé électroniquement", default=False)
    issued_at = models.DateTimeField("délivré le")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="délivré par",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    revocation_reason = models.TextField("motif de la révocation", blank=True)

    class Meta:
        verbose_name = "document délivré"
        verbose_name_plural = "documents délivrés"
        ordering = ["-issued_at", "-pk"]
        constraints = [
            # Numbers are unique per certifier (two certifiers may share a prefix; the PV
            # numbers "PV-2026-0001" are per certifier).
            models.UniqueConstraint(
                fields=["certifier", "number"],
                condition=~Q(number=""),
                name="unique_issued_document_number",
                violation_error_message="Ce numéro de document existe déjà.",
            ),
            # One document in force per decision and kind (a revoked one may be reissued).
            models.UniqueConstraint(
                fields=["decision", "kind"],
                condition=Q(decision__isnull=False, revoked_at__isnull=True),
                name="unique_live_document_per_decision",
                violation_error_message="Ce document a déjà été délivré pour cette décision.",
            ),
            models.UniqueConstraint(
                fields=["minutes", "kind"],
                condition=Q(minutes__isnull=False, revoked_at__isnull=True),
                name="unique_live_document_per_minutes",
                violation_error_message="Ce procès-verbal a déjà été délivré.",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="issued_document_revocation_reason",
                violation_error_message="Une révocation exige son motif.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip()


class StatusList(models.Model):
    """A Bitstring status list (revocation) published by the installation, per certifier."""

    certifier = models.OneToOneField(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        related_name="badge_status_list",
    )
    next_index = models.PositiveIntegerField("prochain index", default=0)
    size = models.PositiveIntegerField("taille (bits)", default=131072)

    class Meta:
        verbose_name = "liste de statuts (révocation)"
        verbose_name_plural = "listes de statuts (révocation)"

    def __str__(self) -> str:
        return f"Liste de statuts — {self.certifier}"


class IssuedCredential(models.Model):
    """An Open Badges 3.0 AchievementCredential (the title, or one held block), signed."""

    certifier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        related_name="issued_credentials",
    )
    decision = models.ForeignKey(
        "juries.Decision",
        verbose_name="décision",
        on_delete=models.PROTECT,
        related_name="credentials",
    )
    block = models.ForeignKey(
        "referential.Block",
        verbose_name="bloc (vide : le titre)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    credential_id = models.CharField("identifiant", max_length=80, unique=True)
    status_index = models.PositiveIntegerField("index dans la liste de statuts")
    document = models.JSONField("justificatif signé")
    issued_at = models.DateTimeField("délivré le")
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta:
        verbose_name = "badge numérique (Open Badges 3.0)"
        verbose_name_plural = "badges numériques (Open Badges 3.0)"
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["certifier", "status_index"],
                name="unique_credential_status_index",
                violation_error_message="Cet index de statut est déjà attribué.",
            ),
            models.UniqueConstraint(
                fields=["decision", "block"],
                name="unique_credential_per_decision_block",
                violation_error_message="Ce badge a déjà été délivré.",
            ),
        ]

    def __str__(self) -> str:
        return self.credential_id
