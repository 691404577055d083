"""The referential as data: certifications, their immutable versions and what they hold."""

from django.db import models

from acquis.referential import usage
from acquis.referential.enums import ModalityKind, SourceKind, VersionStatus
from acquis.timestamps import UpdatedAtModel


def registry_code(kind: str | None, number: str | None) -> str:
    """The registry code as documents print it ("RNCP36612"), or "" when the number is
    unknown. The referential may give the number with its prefix (`number: RNCP36612`,
    the documented form) or without it (`number: "36612"`): the prefix is printed once.
    """
    number = (number or "").strip().replace(" ", "")
    if not number or not any(ch.isdigit() for ch in number):
        return ""
    kind = (kind or "").strip().upper()
    if not kind or number.upper().startswith(kind):
        return number
    return f"{kind}{number}"


class CertificationQuerySet(models.QuerySet):
    def with_public_versions(self):
        return self.filter(versions__status=VersionStatus.PUBLISHED).distinct()

    def visible_to_staff(self, scope):
        """Certifications a staff scope may manage: its certifiers' and unowned ones (a
        superuser's scope holds every certifier: every certification)."""
        if scope.user.is_superuser:
            return self
        return self.filter(models.Q(owner__isnull=True) | models.Q(owner__in=scope.certifier_ids))


class Certification(models.Model):
    code = models.SlugField("code", max_length=63, unique=True)
    title = models.CharField("intitulé", max_length=800)
    registry_number = models.CharField(
        "numéro au répertoire", max_length=12, null=True, blank=True, unique=True
    )
    owner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur gestionnaire",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certifications",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = CertificationQuerySet.as_manager()

    class Meta:
        verbose_name = "certification"
        verbose_name_plural = "certifications"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def registry_code(self) -> str:
        return registry_code("", self.registry_number)

    def latest_published(self):
        return self.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()


class VersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=VersionStatus.PUBLISHED)

    def for_staff(self, scope):
        """Versions of the certifications the staff scope's certifiers own."""
        return self.filter(certification__owner__in=scope.certifier_ids)


class CertificationVersion(UpdatedAtModel):
    """One version of a certification's referential. Never modified once created.

    Only `status` changes (through services.transition_version). A new file content is a
    new version; candidates registered on a version keep it.
    """

    certification = models.ForeignKey(
        Certification,
        verbose_name="certification",
        on_delete=models.PROTECT,
        related_name="versions",
    )
    number = models.PositiveIntegerField("version")
    status = models.CharField(
        "état", max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    content_hash = models.CharField("empreinte du contenu", max_length=64)
    document = models.JSONField("document normalisé")
    source_kind = models.CharField("origine", max_length=10, choices=SourceKind.choices)
    source_name = models.CharField("fichier d'origine", max_length=255, blank=True)
    title = models.CharField("intitulé", max_length=800)
    kind = models.CharField("type de certification", max_length=255, blank=True)
    level = models.CharField("niveau européen", max_length=4, blank=True)
    registry_kind = models.CharField("répertoire", max_length=4, blank=True)
    registry_number = models.CharField("numéro au répertoire", max_length=12, blank=True)
    certifier_name = models.CharField("certificateur", max_length=255)
    certifier_siret = models.CharField("SIRET du certificateur", max_length=14, blank=True)
    certifier_address = models.CharField("adresse du certificateur", max_length=255, blank=True)
    rules = models.JSONField("règles de certification", default=dict, blank=True)
    # Jobs the certification targets ("métiers ou emplois visés"): [{"title", "rome"}], the
    # ROME code None when the source does not give it. Insertion surveys compare holders'
    # jobs with this list (acquis/followup).
    targeted_jobs = models.JSONField("métiers visés", default=list, blank=True)
    needs_review = models.BooleanField("à relire", default=False)
    # A bulk RNCP import stores each draft as its document only; the rows (blocks,
    # competencies...) are created when the draft is first opened (services.ensure_materialised).
    materialised = models.BooleanField("lignes créées", default=True)
    review_notes = models.JSONField("notes de relecture", default=list, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = "version de référentiel"
        verbose_name_plural = "versions de référentiel"
        ordering = ["certification", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "number"],
                name="unique_version_number",
                violation_error_message="Ce numéro de version existe déjà.",
            ),
            models.UniqueConstraint(
                fields=["certification", "content_hash"],
                name="unique_version_content",
                violation_error_message="Une version identique existe déjà.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=VersionStatus.values),
                name="version_status_valid",
                violation_error_message="État de version inconnu.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — version {self.number}"

    @property
    def registry_code(self) -> str:
        """ "RNCP36612" (the prefix once), or "" when the number is unknown."""
        return registry_code(self.registry_kind, self.registry_number)

    @property
    def has_work_placement(self) -> bool:
        """The title has a work placement (`rules.training.work_placement_days`)."""
        return bool((self.rules.get("training") or {}).get("work_placement_days"))

    @property
    def has_memoir(self) -> bool:
        """The title has a memoir (`rules.training.memoir`)."""
        return bool((self.rules.get("training") or {}).get("memoir"))

    @property
    def registration(self) -> dict:
        """The registration facts of the referential file (NSF code, France Compétences
        decision date and duration), {} when it gives none; never guessed."""
        return dict((self.document or {}).get("certification", {}).get("registration") or {})

    @property
    def level_label(self) -> str:
        return f"Niveau {self.level[3:]}" if self.level.startswith("NIV") else ""

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    def is_in_use(self) -> bool:
        """True when a candidacy is registered on this version (it is then frozen for good)."""
        return usage.version_in_use(self)


class Block(models.Model):
    version = models.ForeignKey(
        CertificationVersion,
        verbose_name="version",
        on_delete=models.PROTECT,
        related_name="blocks",
    )
    position = models.PositiveSmallIntegerField("ordre")
    code = models.CharField("code", max_length=40)
    registry_code = models.CharField("code au répertoire", max_length=24, blank=True)
    title = models.CharField("intitulé", max_length=800)
    activities = models.JSONField("activités", default=list, blank=True)
    source_competencies = models.TextField("liste des compétences (texte d'origine)", blank=True)
    source_evaluation = models.TextField("modalités d'évaluation (texte d'origine)", blank=True)
    required_for_title = models.BooleanField("exigé pour le titre", default=False)
    obtainable_separately = models.BooleanField("obtenable séparément", default=False)

    class Meta:
        verbose_name = "bloc de compétences"
        verbose_name_plural = "blocs de compétences"
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"],
                name="unique_block_code",
                violation_error_message="Ce code de bloc existe déjà dans cette version.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class Competency(models.Model):
    block = models.ForeignKey(
        Block, verbose_name="bloc", on_delete=models.PROTECT, related_name="competencies"
    )
    position = models.PositiveSmallIntegerField("ordre")
    code = models.CharField("code", max_length=40)
    statement = models.TextField("énoncé")
    modality_kind = models.CharField(
        "modalité d'évaluation", max_length=30, choices=ModalityKind.choices, blank=True
    )
    modality_text = models.TextField("description de la modalité", blank=True)
    needs_review = models.BooleanField("découpage à relire", default=False)

    class Meta:
        verbose_name = "compétence"
        verbose_name_plural = "compétences"
        ordering = ["block", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["block", "code"],
                name="unique_competency_code",
                violation_error_message="Ce code de compétence existe déjà dans ce bloc.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.statement[:80]}"


class Assessment(models.Model):
    """An épreuve (sitting): covers one or more competencies, or is a final oral."""

    version = models.ForeignKey(
        CertificationVersion,
        verbose_name="version",
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    position = models.PositiveSmallIntegerField("ordre")
    code = models.CharField("code", max_length=40)
    title = models.CharField("intitulé", max_length=255)
    kind = models.CharField("modalité", max_length=30, choices=ModalityKind.choices)
    description = models.TextField("description", blank=True)
    duration_minutes = models.PositiveSmallIntegerField("durée (minutes)", null=True, blank=True)
    pathways = models.JSONField("voies d'accès", default=list)
    final = models.BooleanField("épreuve finale", default=False)
    # The sitting's timed parts, in order ([{code, title, duration_minutes, covers, text}]):
    # a duration the source fixes is never shortened (evaluations.planning.plan_parts).
    parts = models.JSONField("parties minutées", default=list, blank=True)
    competencies = models.ManyToManyField(
        Competency, verbose_name="compétences évaluées", related_name="assessments", blank=True
    )

    class Meta:
        verbose_name = "épreuve"
        verbose_name_plural = "épreuves"
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"],
                name="unique_assessment_code",
                violation_error_message="Ce code d'épreuve existe déjà dans cette version.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def fixed_minutes(self) -> int:
        """The minutes the source fixes for the whole sitting (its parts', or its own)."""
        if self.parts:
            return sum(part.get("duration_minutes") or 0 for part in self.parts)
        return self.duration_minutes or 0


class PreparatoryDeliverable(models.Model):
    """A livrable en amont: prepared by the candidate before the sitting."""

    assessment = models.ForeignKey(
        Assessment, verbose_name="épreuve", on_delete=models.PROTECT, related_name="deliverables"
    )
    position = models.PositiveSmallIntegerField("ordre")
    code = models.CharField("code", max_length=40)
    title = models.CharField("intitulé", max_length=255)
    description = models.TextField("description", blank=True)

    class Meta:
        verbose_name = "livrable préparatoire"
        verbose_name_plural = "livrables préparatoires"
        ordering = ["assessment", "position"]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class Criterion(models.Model):
    """An evaluation criterion: of a competency, or of a final oral's own grid."""

    competency = models.ForeignKey(
        Competency,
        verbose_name="compétence",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="criteria",
    )
    assessment = models.ForeignKey(
        Assessment,
        verbose_name="épreuve finale",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="own_criteria",
    )
    position = models.PositiveSmallIntegerField("ordre")
    code = models.CharField("code", max_length=40)
    text = models.TextField("critère")

    class Meta:
        verbose_name = "critère d'évaluation"
        verbose_name_plural = "critères d'évaluation"
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(competency__isnull=False, assessment__isnull=True)
                | models.Q(competency__isnull=True, assessment__isnull=False),
                name="criterion_has_one_owner",
                violation_error_message=(
                    "Un critère appartient soit à une compétence, soit à une épreuve finale."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.text[:80]}"
