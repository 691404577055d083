"""What a decision issues: signed documents (certificate, attestation, PV, letter), their
numbers, public verification codes, and Open Badges 3.0 credentials with their status list."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from acquis.credentials.enums import (
    ACTIVE_BATCH_STATUSES,
    BATCH_TRANSITIONS,
    BatchStatus,
    DocumentKind,
    RevocationCategory,
)
from acquis.workflow import is_final, verbs_from

# The wording of the documents issued now (see IssuedDocument.wording).
CURRENT_WORDING = 2


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
    revocation_category = models.CharField(
        "nature de la révocation", max_length=30, choices=RevocationCategory.choices, blank=True
    )
    # The document issued in its place (reissue), named on the public verification page.
    replaced_by = models.ForeignKey(
        "self",
        verbose_name="remplacé par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
    )
    # A duplicata: the same document issued again (lost, damaged) with the same number and
    # issue date, marked "DUPLICATA"; the original stays in force.
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name="duplicata de",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    # The holder's name as the verification page shows it (masked), fixed at issue: a later
    # change of civil status does not change what a document printed.
    holder_masked = models.CharField("titulaire (masqué)", max_length=200, blank=True)
    # The wording of the templates the document was rendered with: 1 gave blocks a
    # validity date ("valable jusqu'au"); from 2 on, blocks are acquired for good.
    # `acquis credentials reissue` replaces documents of an older wording.
    wording = models.PositiveSmallIntegerField("version du libellé", default=1)

    class Meta:
        verbose_name = "document délivré"
        verbose_name_plural = "documents délivrés"
        ordering = ["-issued_at", "-pk"]
        constraints = [
            # Numbers are unique per certifier (two certifiers may share a prefix; the PV
            # numbers "PV-OPS-2026-0001" are per certifier too); a duplicata repeats the
            # number of its original.
            models.UniqueConstraint(
                fields=["certifier", "number"],
                condition=~Q(number="") & Q(duplicate_of__isnull=True),
                name="unique_issued_document_number",
                violation_error_message="Ce numéro de document existe déjà.",
            ),
            # One document in force per decision and kind (a revoked one may be reissued);
            # its duplicata are copies of it, not other documents.
            models.UniqueConstraint(
                fields=["decision", "kind"],
                condition=Q(
                    decision__isnull=False, revoked_at__isnull=True, duplicate_of__isnull=True
                ),
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
    """A Bitstring status list (revocation) published by the installation: one per certifier
    and issuer identity (a did:key, the did:web), signed by that issuer's key. A verifier
    requires the list to be issued by the issuer of the badge that points to it (Bitstring
    Status List v1.0 §3.2, step 10): after a change of issuer, the earlier badges keep their
    own list, still published and updated."""

    certifier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        related_name="badge_status_lists",
    )
    issuer = models.CharField("émetteur (DID)", max_length=255)
    # The last segment of the list's public URL (/badges/statuts/<key>), written into every
    # badge signed with an index in it: never changes.
    key = models.SlugField("clé de l'adresse publique", max_length=80, unique=True)
    next_index = models.PositiveIntegerField("prochain index", default=0)
    size = models.PositiveIntegerField("taille (bits)", default=131072)

    class Meta:
        verbose_name = "liste de statuts (révocation)"
        verbose_name_plural = "listes de statuts (révocation)"
        constraints = [
            models.UniqueConstraint(
                fields=["certifier", "issuer"],
                name="unique_status_list_per_issuer",
                violation_error_message="Ce certificateur a déjà une liste pour cet émetteur.",
            )
        ]

    def __str__(self) -> str:
        return f"Liste de statuts — {self.certifier} — {self.issuer}"


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
    status_list = models.ForeignKey(
        StatusList,
        verbose_name="liste de statuts",
        on_delete=models.PROTECT,
        related_name="credentials",
    )
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
                fields=["status_list", "status_index"],
                name="unique_credential_status_index",
                violation_error_message="Cet index de statut est déjà attribué.",
            ),
            # A revoked badge may be replaced (reissue): one live badge per block.
            models.UniqueConstraint(
                fields=["decision", "block"],
                condition=Q(revoked_at__isnull=True),
                name="unique_live_credential_per_decision_block",
                violation_error_message="Ce badge a déjà été délivré.",
            ),
        ]

    def __str__(self) -> str:
        return self.credential_id


class IssuingBatchQuerySet(models.QuerySet):
    def active(self):
        """Queued or running: the batch that holds its deliberation (at most one)."""
        return self.filter(status__in=ACTIVE_BATCH_STATUSES)

    def for_certifiers(self, certifiers):
        return self.filter(certifier__in=certifiers)


class IssuingBatch(models.Model):
    """Issuing the documents of one signed deliberation in the background (batches.py).

    The PV, then decision by decision in order of their id, one transaction per decision in
    which the progress (`processed`, `last_decision`) is saved with what was issued: a run
    stopped anywhere resumes after the last decision committed, never issuing twice.
    """

    deliberation = models.ForeignKey(
        "juries.Deliberation",
        verbose_name="délibération",
        on_delete=models.PROTECT,
        related_name="issuing_batches",
    )
    certifier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        related_name="issuing_batches",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="demandé par",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        "état", max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    total = models.PositiveIntegerField("décisions à traiter")
    processed = models.PositiveIntegerField("décisions traitées", default=0)
    documents_issued = models.PositiveIntegerField("documents délivrés", default=0)
    badges_issued = models.PositiveIntegerField("badges délivrés", default=0)
    skipped = models.PositiveIntegerField("décisions sans nouveau document", default=0)
    last_decision = models.ForeignKey(
        "juries.Decision",
        verbose_name="dernière décision traitée",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Incremented by each run that takes the batch: a run overtaken by a newer one (stale
    # takeover) sees its number change and stops before saving anything more.
    attempt = models.PositiveIntegerField("tentative", default=0)
    error = models.TextField("motif de l'interruption", blank=True)
    task_id = models.CharField("tâche", max_length=64, blank=True)
    requested_at = models.DateTimeField("demandé le")
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    heartbeat_at = models.DateTimeField("dernière progression", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    objects = IssuingBatchQuerySet.as_manager()

    class Meta:
        verbose_name = "lot de délivrance"
        verbose_name_plural = "lots de délivrance"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliberation"],
                condition=Q(status__in=ACTIVE_BATCH_STATUSES),
                name="one_active_issuing_batch_per_deliberation",
                violation_error_message=(
                    "Un lot de délivrance est déjà en attente ou en cours pour cette délibération."
                ),
            ),
            models.CheckConstraint(
                condition=Q(processed__lte=models.F("total")),
                name="issuing_batch_processed_within_total",
                violation_error_message="Un lot ne traite pas plus de décisions qu'il n'en a.",
            ),
            models.CheckConstraint(
                condition=~Q(status=BatchStatus.FAILED) | ~Q(error=""),
                name="issuing_batch_failure_has_reason",
                violation_error_message="Un lot interrompu porte le motif de l'interruption.",
            ),
        ]

    def __str__(self) -> str:
        return f"Lot de délivrance n° {self.pk} — {self.deliberation_id}"

    # Where the batch is, read from BATCH_TRANSITIONS.
    @property
    def is_waiting(self) -> bool:
        """Queued: waiting for a worker to start it."""
        return "start" in verbs_from(BATCH_TRANSITIONS, self.status)

    @property
    def is_running(self) -> bool:
        return "finish" in verbs_from(BATCH_TRANSITIONS, self.status)

    @property
    def is_done(self) -> bool:
        return is_final(BATCH_TRANSITIONS, self.status)

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.processed / self.total)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_BATCH_STATUSES
