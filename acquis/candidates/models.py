"""Candidates, their candidacies and the dossier items the rules will need later."""

import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone

from acquis import search
from acquis.candidates import names
from acquis.candidates.enums import (
    ACTIVE,
    CANDIDACY_TRANSITIONS,
    EXPORT_JOB_TRANSITIONS,
    AccessMode,
    AccommodationKind,
    AdmissibilityDecision,
    CandidacyStatus,
    ExportJobStatus,
    Pathway,
    Sex,
    VaeRoute,
    ValidationFileDecision,
)
from acquis.timestamps import UpdatedAtModel
from acquis.workflow import verbs_from


def identity_key(birth_name: str, first_name: str, birth_date) -> str:
    """Same birth name, first name and birth date = the same person (duplicate check)."""

    def fold(text: str) -> str:
        text = unicodedata.normalize("NFKD", text or "")
        text = "".join(c for c in text if not unicodedata.combining(c))
        return "".join(c for c in text.upper() if c.isalnum())

    return f"{fold(birth_name)}|{fold(first_name)}|{birth_date.isoformat()}"


class CohortQuerySet(models.QuerySet):
    def for_staff(self, scope):
        """The promotions of the staff scope's certifiers (`organisations.scope`)."""
        return self.filter(certifier__in=scope.certifier_ids)


class Cohort(models.Model):
    """A promotion: candidates who follow the same calendar."""

    certifier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        related_name="cohorts",
    )
    version = models.ForeignKey(
        "referential.CertificationVersion",
        verbose_name="référentiel",
        on_delete=models.PROTECT,
        related_name="cohorts",
    )
    name = models.CharField("nom", max_length=120)
    starts_on = models.DateField("début", null=True, blank=True)
    ends_on = models.DateField("fin", null=True, blank=True)
    memoir_deadline = models.DateField("date limite de dépôt du mémoire", null=True, blank=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = "promotion"
        verbose_name_plural = "promotions"
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["certifier", "name"],
                name="unique_cohort_name",
                violation_error_message="Une promotion porte déjà ce nom.",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="cohort_dates_ordered",
                violation_error_message="La fin de la promotion précède son début.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CandidateQuerySet(models.QuerySet):
    def for_certifier(self, certifier):
        return self.filter(certifier=certifier)

    def for_staff(self, scope):
        """The candidates of the staff scope's certifiers (`organisations.scope`)."""
        return self.filter(certifier__in=scope.certifier_ids)


class Candidate(UpdatedAtModel):
    """A person, with the identity the CDC accrochage needs (formats.md §2, titulaire)."""

    certifier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        related_name="candidates",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="compte",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="candidate",
    )
    birth_name = models.CharField("nom de naissance", max_length=60)
    usage_name = models.CharField("nom d'usage", max_length=60, blank=True)
    first_name = models.CharField("premier prénom", max_length=60)
    first_name_2 = models.CharField("deuxième prénom", max_length=60, blank=True)
    first_name_3 = models.CharField("troisième prénom", max_length=60, blank=True)
    sex = models.CharField("sexe", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("date de naissance")
    birth_insee_code = models.CharField(
        "code INSEE de la commune de naissance",
        max_length=5,
        blank=True,
        help_text="5 caractères ; 99xxx pour un pays étranger (code pays INSEE).",
    )
    birth_city = models.CharField("commune de naissance", max_length=60, blank=True)
    birth_country = models.CharField("pays de naissance", max_length=60, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    address = models.CharField("adresse", max_length=255, blank=True)
    postal_code = models.CharField("code postal", max_length=10, blank=True)
    city = models.CharField("ville", max_length=100, blank=True)
    identity_key = models.CharField("clé d'identité", max_length=200, editable=False)
    # Names and e-mail folded by acquis.search.normalise, kept in step by save() (and by
    # the bulk import, which bypasses it): what the staff lists search.
    search_text = models.TextField("texte de recherche", blank=True, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = CandidateQuerySet.as_manager()

    SEARCHED_FIELDS = (
        "birth_name",
        "usage_name",
        "first_name",
        "first_name_2",
        "first_name_3",
        "email",
    )

    class Meta:
        verbose_name = "candidat"
        verbose_name_plural = "candidats"
        ordering = ["birth_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["certifier", "identity_key"],
                name="unique_candidate_identity",
                violation_error_message=(
                    "Un candidat de même nom de naissance, prénom et date de naissance existe déjà."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(birth_insee_code="") | ~Q(birth_country=""),
                name="candidate_birth_place_known",
                violation_error_message=(
                    "Indiquez le code INSEE de la commune de naissance ou le pays de naissance."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def refresh_search_text(self) -> None:
        self.search_text = search.normalise(*(getattr(self, f) for f in self.SEARCHED_FIELDS))

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(self.SEARCHED_FIELDS):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        """« LEFÈVRE Julie (née MARCHAND) »: the one naming rule (acquis.candidates.names)."""
        return names.display_name(self)

    @property
    def civil_name(self) -> str:
        """The same rule with every first name, for documents of civil status."""
        return names.display_name(self, all_first_names=True)

    @property
    def used_name(self) -> str:
        """The family name she goes by (usage name, else birth name), in capitals."""
        return names.used_name(self)

    @property
    def born_abroad(self) -> bool:
        return self.birth_insee_code.startswith("99")


class CandidacyQuerySet(models.QuerySet):
    def for_certifier(self, certifier):
        return self.filter(candidate__certifier=certifier)

    def for_staff(self, scope):
        """The candidacies of the staff scope's certifiers (`organisations.scope`)."""
        return self.filter(candidate__certifier__in=scope.certifier_ids)

    def for_partner(self, partner):
        return self.filter(partner=partner)

    def active(self):
        return self.filter(status__in=ACTIVE)

    def with_list_data(self):
        """A candidacy with its candidate, cohort, partner and version, in one query (the
        candidate page, the partner portal, the exports; the staff list: `list_rows`)."""
        # The version's stored document is large JSON: never drag it along (with 10,000
        # rows and an OFFSET, SQLite would copy it for every skipped row).
        return self.select_related(
            "candidate", "cohort", "partner", "version", "version__certification"
        ).defer("version__document")

    def list_rows(self):
        """The columns of the staff's candidacy list and only those: a row joins four tables,
        and building every column of each (identity, address, contact of the candidate…)
        was a third of the list's CPU. A column the list starts to show must be added here
        (else one query per row: tests/www/test_list_search_pages.py counts them)."""
        return self.select_related("candidate", "cohort", "partner").only(
            "pathway",
            "whole_title",
            "registered_on",
            "status",
            "candidate",
            "cohort",
            "partner",
            *(f"candidate__{name}" for name in names.DISPLAY_NAME_FIELDS),
            "candidate__birth_date",
            "cohort__name",
            "partner__name",
        )


class Candidacy(UpdatedAtModel):
    """A candidate registered for a certification version, by a pathway."""

    candidate = models.ForeignKey(
        Candidate, verbose_name="candidat", on_delete=models.PROTECT, related_name="candidacies"
    )
    version = models.ForeignKey(
        "referential.CertificationVersion",
        verbose_name="référentiel",
        on_delete=models.PROTECT,
        related_name="candidacies",
    )
    cohort = models.ForeignKey(
        Cohort,
        verbose_name="promotion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="candidacies",
    )
    partner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="organisme partenaire",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="candidacies",
    )
    pathway = models.CharField("voie d'accès", max_length=10, choices=Pathway.choices)
    access_mode = models.CharField("modalité d'accès", max_length=60, choices=AccessMode.choices)
    vae_route = models.CharField("voie VAE", max_length=20, choices=VaeRoute.choices, blank=True)
    whole_title = models.BooleanField("titre complet", default=True)
    blocks = models.ManyToManyField(
        "referential.Block", verbose_name="blocs visés", related_name="candidacies"
    )
    status = models.CharField(
        "état", max_length=30, choices=CandidacyStatus.choices, default=CandidacyStatus.REGISTERED
    )
    registered_on = models.DateField("date d'inscription")
    memoir_deadline = models.DateField("date limite de dépôt du mémoire", null=True, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = CandidacyQuerySet.as_manager()

    class Meta:
        verbose_name = "candidature"
        verbose_name_plural = "candidatures"
        ordering = ["-registered_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CandidacyStatus.values),
                name="candidacy_status_valid",
                violation_error_message="État de candidature inconnu.",
            ),
            models.CheckConstraint(
                condition=Q(pathway=Pathway.VAE, access_mode=AccessMode.VAE)
                | (~Q(pathway=Pathway.VAE) & ~Q(access_mode=AccessMode.VAE) & Q(vae_route="")),
                name="candidacy_vae_consistent",
                violation_error_message="La voie VAE va avec la modalité d'accès VAE.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} — {self.version.title} ({self.get_pathway_display()})"

    # What the candidacy's state allows, read from CANDIDACY_TRANSITIONS (the pathway is
    # the guard): templates ask these, never the state strings.
    @property
    def allowed_verbs(self) -> frozenset[str]:
        return verbs_from(
            CANDIDACY_TRANSITIONS, self.status, lambda entry: self.pathway in entry[1]
        )

    @property
    def can_request_admissibility(self) -> bool:
        return "request_admissibility" in self.allowed_verbs

    @property
    def can_decide_admissibility(self) -> bool:
        return "declare_admissible" in self.allowed_verbs

    @property
    def can_submit_validation_file(self) -> bool:
        return "submit_validation_file" in self.allowed_verbs

    @property
    def can_decide_validation_file(self) -> bool:
        return "declare_validation_file_complete" in self.allowed_verbs

    @property
    def rules(self) -> dict:
        return self.version.rules

    def placement_and_memoir_required(self) -> bool:
        """The title of this pathway needs the work placement and the memoir: every non-VAE
        pathway unless the referential says otherwise (`training.required_for`; the source
        exempts no one)."""
        return self.pathway in required_for(self.rules)

    def has_work_placement(self) -> bool:
        """Whether this candidacy has a work placement to do: its title has one and its
        pathway is not VAE (pages show the section only then; the verbs refuse otherwise)."""
        return self.pathway != Pathway.VAE and self.version.has_work_placement

    def has_memoir(self) -> bool:
        return self.pathway != Pathway.VAE and self.version.has_memoir

    def required_placement_days(self) -> int | None:
        if not self.placement_and_memoir_required():
            return None
        return (self.rules.get("training") or {}).get("work_placement_days")

    def memoir_parts(self) -> list[dict]:
        memoir = (self.rules.get("training") or {}).get("memoir") or {}
        return list(memoir.get("required_parts") or [])


def required_for(rules: dict) -> tuple[str, ...]:
    """The pathways whose title needs the work placement and the memoir
    (`rules.training.required_for`, default: every pathway but VAE)."""
    listed = (rules.get("training") or {}).get("required_for")
    if listed is None:
        return tuple(p for p in Pathway.values if p != Pathway.VAE)
    return tuple(p for p in listed if p != Pathway.VAE)


class WorkPlacement(UpdatedAtModel):
    """Période de mise en application professionnelle (29 days for OPS Conseil)."""

    candidacy = models.ForeignKey(
        Candidacy,
        verbose_name="candidature",
        on_delete=models.PROTECT,
        related_name="placements",
    )
    host_structure = models.CharField("structure d'accueil", max_length=255)
    host_siret = models.CharField("SIRET de la structure", max_length=14, blank=True)
    position = models.CharField("poste occupé", max_length=255)
    tutor_name = models.CharField("tuteur", max_length=255)
    tutor_email = models.EmailField("courriel du tuteur", blank=True)
    attestation = models.ForeignKey(
        "documents.Document",
        verbose_name="attestation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "période de mise en application professionnelle"
        verbose_name_plural = "périodes de mise en application professionnelle"

    def __str__(self) -> str:
        return f"{self.host_structure} — {self.position}"

    def days_worked(self) -> int:
        return self.periods.aggregate(total=Sum("days_worked"))["total"] or 0


class PlacementPeriod(models.Model):
    placement = models.ForeignKey(
        WorkPlacement, verbose_name="stage", on_delete=models.PROTECT, related_name="periods"
    )
    starts_on = models.DateField("du")
    ends_on = models.DateField("au")
    days_worked = models.PositiveSmallIntegerField("jours travaillés")

    class Meta:
        verbose_name = "période de stage"
        verbose_name_plural = "périodes de stage"
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="period_dates_ordered",
                violation_error_message="La fin de la période précède son début.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_on:%d/%m/%Y} – {self.ends_on:%d/%m/%Y} ({self.days_worked} j)"


class Memoir(models.Model):
    candidacy = models.OneToOneField(
        Candidacy, verbose_name="candidature", on_delete=models.PROTECT, related_name="memoir"
    )
    document = models.ForeignKey(
        "documents.Document",
        verbose_name="mémoire déposé",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("déposé le", null=True, blank=True)

    class Meta:
        verbose_name = "mémoire"
        verbose_name_plural = "mémoires"

    def __str__(self) -> str:
        return f"Mémoire de {self.candidacy.candidate}"


class MemoirPartCheck(models.Model):
    """The exam manager's check of one of the memoir's required parts, in one file of the
    memoir: present (confirmed) or missing, with the reason shown to the candidate.

    Never changed nor deleted: a new check of the same part of the same file is a new row
    (the latest counts), and a new memoir file is checked again from scratch, the checks of
    the earlier files staying in the history.
    """

    memoir = models.ForeignKey(
        Memoir, verbose_name="mémoire", on_delete=models.PROTECT, related_name="checks"
    )
    part_code = models.CharField("partie", max_length=40)
    present = models.BooleanField("partie présente", default=True)
    reason = models.TextField("motif (partie manquante)", blank=True)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name="version du mémoire vérifiée",
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="vérifiée par",
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("vérifiée le")

    class Meta:
        verbose_name = "vérification d'une partie du mémoire"
        verbose_name_plural = "vérifications des parties du mémoire"
        ordering = ["confirmed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(present=True) | ~Q(reason=""),
                name="missing_memoir_part_has_reason",
                violation_error_message="Une partie manquante exige un motif.",
            )
        ]

    def __str__(self) -> str:
        return self.part_code


class AdmissibilityRequest(models.Model):
    """VAE recevabilité: the request, and the decision on it."""

    candidacy = models.ForeignKey(
        Candidacy,
        verbose_name="candidature",
        on_delete=models.PROTECT,
        related_name="admissibility_requests",
    )
    document = models.ForeignKey(
        "documents.Document",
        verbose_name="demande",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("déposée le")
    decision = models.CharField(
        "décision", max_length=20, choices=AdmissibilityDecision.choices, blank=True
    )
    reason = models.TextField("motif", blank=True)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="décidée par",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "demande de recevabilité"
        verbose_name_plural = "demandes de recevabilité"
        ordering = ["submitted_at"]

    def __str__(self) -> str:
        return f"Recevabilité de {self.candidacy.candidate}"


class ValidationFile(models.Model):
    """VAE dossier de validation, and its completeness decision."""

    candidacy = models.ForeignKey(
        Candidacy,
        verbose_name="candidature",
        on_delete=models.PROTECT,
        related_name="validation_files",
    )
    document = models.ForeignKey(
        "documents.Document", verbose_name="dossier", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("déposé le")
    decision = models.CharField(
        "décision", max_length=20, choices=ValidationFileDecision.choices, blank=True
    )
    reason = models.TextField("motif", blank=True)
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="décidé par",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "dossier de validation"
        verbose_name_plural = "dossiers de validation"
        ordering = ["submitted_at"]

    def __str__(self) -> str:
        return f"Dossier de validation de {self.candidacy.candidate}"


class Accommodation(models.Model):
    """Aménagement d'épreuve: a measure, never a diagnosis (no medical data is stored)."""

    candidacy = models.ForeignKey(
        Candidacy,
        verbose_name="candidature",
        on_delete=models.PROTECT,
        related_name="accommodations",
    )
    kind = models.CharField("mesure", max_length=30, choices=AccommodationKind.choices)
    extra_minutes = models.PositiveSmallIntegerField(
        "minutes supplémentaires", null=True, blank=True
    )
    details = models.CharField(
        "précisions sur la mesure",
        max_length=255,
        blank=True,
        help_text="Décrivez la mesure, jamais un diagnostic : aucune donnée médicale.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="saisie par",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField("saisie le")
    withdrawn_at = models.DateTimeField("retirée le", null=True, blank=True)

    class Meta:
        verbose_name = "aménagement d'épreuve"
        verbose_name_plural = "aménagements d'épreuve"
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=AccommodationKind.EXTRA_TIME) & Q(extra_minutes__gt=0))
                | (~Q(kind=AccommodationKind.EXTRA_TIME) & Q(extra_minutes__isnull=True)),
                name="accommodation_minutes_for_extra_time",
                violation_error_message=(
                    "Le temps supplémentaire s'indique en minutes, et seulement pour cette mesure."
                ),
            )
        ]

    def __str__(self) -> str:
        if self.kind == AccommodationKind.EXTRA_TIME:
            return f"{self.get_kind_display()} : {self.extra_minutes} min"
        return self.get_kind_display()


def candidacy_for_document(document) -> "Candidacy | None":
    """The candidacy whose dossier holds this document (uploads are never shared)."""
    lookups = (
        Q(memoir__document=document),
        Q(placements__attestation=document),
        Q(admissibility_requests__document=document),
        Q(validation_files__document=document),
        # Preparatory deliverables of an evaluation slot (acquis.evaluations.deliverables).
        Q(evaluation_slots__deliverable_submissions__document=document),
    )
    for lookup in lookups:
        found = Candidacy.objects.filter(lookup).select_related("candidate", "partner").first()
        if found is not None:
            return found
    return None


class ImportColumnMapping(models.Model):
    """Which header of a certifier's files holds each expected import column, chosen once by
    the staff and applied to its next files (acquis.candidates.column_mapping)."""

    certifier = models.OneToOneField(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.CASCADE,
        related_name="import_column_mapping",
    )
    # {expected column name: header of the file, as written there}
    columns = models.JSONField("correspondance des colonnes", default=dict)
    updated_at = models.DateTimeField("modifiée le")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="modifiée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "correspondance des colonnes d'import"
        verbose_name_plural = "correspondances des colonnes d'import"

    def __str__(self) -> str:
        return f"Colonnes d'import — {self.certifier}"


class CandidacyExportJob(models.Model):
    """A candidacy XLSX too big to write inside a request, written by the worker
    (export_jobs.py): who asked, for which rows (`filters`, as data), how far it got, and
    the file once complete (never before: a partial file is never served)."""

    certifier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        related_name="candidacy_exports",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="demandé par",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # {"certifiers": [ids], "promotion": id or null}: the rows of the list the staff saw.
    filters = models.JSONField("filtres")
    status = models.CharField(
        "état", max_length=10, choices=ExportJobStatus.choices, default=ExportJobStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField("lignes à écrire", default=0)
    rows_done = models.PositiveIntegerField("lignes écrites", default=0)
    file = models.FileField("fichier", upload_to="exports/candidatures/", blank=True)
    error = models.TextField("motif de l'échec", blank=True)
    task_id = models.CharField("tâche", max_length=64, blank=True)
    requested_at = models.DateTimeField("demandé le")
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    heartbeat_at = models.DateTimeField("dernière progression", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "export de candidatures"
        verbose_name_plural = "exports de candidatures"
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"Export de candidatures n° {self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status in (ExportJobStatus.QUEUED, ExportJobStatus.RUNNING)

    @property
    def is_waiting(self) -> bool:
        return self.status == ExportJobStatus.QUEUED

    @property
    def is_running(self) -> bool:
        return self.status == ExportJobStatus.RUNNING

    @property
    def is_expired(self) -> bool:
        return self.status == ExportJobStatus.EXPIRED

    @property
    def is_ready(self) -> bool:
        return self.status == ExportJobStatus.DONE and bool(self.file)

    @property
    def is_stale(self) -> bool:
        """Running, but its worker gave no news for ACQUIS_BATCH_STALE_SECONDS."""
        if self.status != ExportJobStatus.RUNNING:
            return False
        last = self.heartbeat_at or self.started_at or self.requested_at
        return (timezone.now() - last).total_seconds() > settings.ACQUIS_BATCH_STALE_SECONDS

    @property
    def can_relaunch(self) -> bool:
        if self.status == ExportJobStatus.RUNNING:
            return self.is_stale
        return (self.status, ExportJobStatus.QUEUED) in EXPORT_JOB_TRANSITIONS
