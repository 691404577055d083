"""Juror records, evaluation sessions, their slots, grids and consolidated results."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from acquis import search
from acquis.evaluations.enums import (
    SLOT_TRANSITIONS,
    ConflictKind,
    GridStatus,
    IncidentKind,
    SessionStatus,
    SlotStatus,
)
from acquis.timestamps import UpdatedAtModel
from acquis.workflow import is_final


class JurorProfile(models.Model):
    """What makes a person eligible to sit on an evaluation panel (referential, rule 2)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="membre de jury",
        on_delete=models.PROTECT,
        related_name="juror_profile",
    )
    certifier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        related_name="jurors",
    )
    # A code of the referential's closed list `rules.sectors` ("insertion"), or another sector.
    sector = models.CharField("secteur d'expérience", max_length=120)
    role = models.CharField("fonction exercée", max_length=160)
    # Where the juror works: a candidate working there is never theirs to assess or decide on.
    structure = models.CharField("structure employeuse", max_length=255, blank=True)
    structure_siret = models.CharField("SIRET de la structure", max_length=14, blank=True)
    years_experience = models.PositiveSmallIntegerField("années d'expérience dans le secteur")
    experience_proof = models.ForeignKey(
        "documents.Document",
        verbose_name="pièce justificative de l'expérience",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    represents_certifier = models.BooleanField("représente le certificateur", default=False)
    # The account's names and e-mail and the structure, folded by acquis.search.normalise:
    # kept in step by save() and, when the account changes, by acquis.evaluations.signals.
    search_text = models.TextField("texte de recherche", blank=True, editable=False)

    class Meta:
        verbose_name = "fiche de membre de jury"
        verbose_name_plural = "fiches de membres de jury"

    def __str__(self) -> str:
        return str(self.user)

    def save(self, *args, **kwargs):
        self.search_text = self.search_text_for(self.user, self.structure)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @staticmethod
    def search_text_for(user, structure: str) -> str:
        return search.normalise(user.first_name, user.last_name, user.email, structure)


class JurorTraining(models.Model):
    """A training of the juror to the referential (source: "formés en amont par la
    responsable de l'organisation des épreuves").

    The trainer is a user of the certifier; `trainer_role` is the role they held when the
    training was recorded (the referential's `juror_training.trainer_role` names it), and the
    attendance record proves the juror took part. Trainings recorded before these fields
    existed keep their free-text trainer (`trained_by_text`) as history; they count only for
    a referential that names no trainer role and requires no attendance record.
    """

    juror = models.ForeignKey(
        JurorProfile,
        verbose_name="membre de jury",
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    version = models.ForeignKey(
        "referential.CertificationVersion",
        verbose_name="référentiel",
        on_delete=models.PROTECT,
        related_name="+",
    )
    trained_on = models.DateField("formé le")
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="formé par",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    trainer_role = models.CharField(
        "rôle du formateur chez le certificateur", max_length=20, blank=True
    )
    trained_by_text = models.CharField(
        "formé par (texte libre, enregistrement antérieur)", max_length=160, blank=True
    )
    attendance_record = models.ForeignKey(
        "documents.Document",
        verbose_name="feuille d'émargement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "formation de membre de jury"
        verbose_name_plural = "formations de membres de jury"
        ordering = ["-trained_on"]

    def __str__(self) -> str:
        return f"{self.juror} — {self.trained_on:%d/%m/%Y}"


class ConflictDeclaration(models.Model):
    """A juror's declared link with a candidate: never on that candidate's panel."""

    juror = models.ForeignKey(
        JurorProfile,
        verbose_name="membre de jury",
        on_delete=models.PROTECT,
        related_name="conflicts",
    )
    candidate = models.ForeignKey(
        "candidates.Candidate",
        verbose_name="candidat",
        on_delete=models.PROTECT,
        related_name="conflicts",
    )
    kind = models.CharField("lien", max_length=20, choices=ConflictKind.choices)
    note = models.CharField("précision", max_length=255, blank=True)
    declared_at = models.DateTimeField("déclaré le")

    class Meta:
        verbose_name = "lien déclaré (conflit d'intérêts)"
        verbose_name_plural = "liens déclarés (conflits d'intérêts)"

    def __str__(self) -> str:
        return f"{self.juror} / {self.candidate} : {self.get_kind_display()}"


class EvaluationSession(UpdatedAtModel):
    certifier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        related_name="evaluation_sessions",
    )
    version = models.ForeignKey(
        "referential.CertificationVersion",
        verbose_name="référentiel",
        on_delete=models.PROTECT,
        related_name="evaluation_sessions",
    )
    title = models.CharField("intitulé", max_length=160)
    date = models.DateField("date")
    place = models.CharField("lieu", max_length=255, blank=True)
    remote = models.BooleanField("à distance", default=False)
    status = models.CharField(
        "état", max_length=20, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    deliverables_due_at = models.DateTimeField(
        "date limite de dépôt des livrables", null=True, blank=True
    )
    members = models.ManyToManyField(
        JurorProfile, verbose_name="jury d'évaluation", through="PanelMember", related_name="+"
    )
    # Title and place folded by acquis.search.normalise, kept in step by save().
    search_text = models.TextField("texte de recherche", blank=True, editable=False)

    class Meta:
        verbose_name = "session d'évaluation"
        verbose_name_plural = "sessions d'évaluation"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})"

    def save(self, *args, **kwargs):
        self.search_text = search.normalise(self.title, self.place)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"title", "place"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED


class PanelMember(models.Model):
    session = models.ForeignKey(
        EvaluationSession, verbose_name="session", on_delete=models.PROTECT, related_name="panel"
    )
    juror = models.ForeignKey(
        JurorProfile, verbose_name="membre de jury", on_delete=models.PROTECT, related_name="+"
    )
    convoked_at = models.DateTimeField("convocation envoyée le", null=True, blank=True)

    class Meta:
        verbose_name = "membre du jury d'évaluation"
        verbose_name_plural = "membres du jury d'évaluation"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "juror"],
                name="unique_panel_member",
                violation_error_message="Ce membre fait déjà partie du jury de la session.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.juror} — {self.session}"


class Slot(UpdatedAtModel):
    """A candidate convoked to one sitting (assessment) of a session, at a given time."""

    session = models.ForeignKey(
        EvaluationSession, verbose_name="session", on_delete=models.PROTECT, related_name="slots"
    )
    assessment = models.ForeignKey(
        "referential.Assessment", verbose_name="épreuve", on_delete=models.PROTECT, related_name="+"
    )
    candidacy = models.ForeignKey(
        "candidates.Candidacy",
        verbose_name="candidature",
        on_delete=models.PROTECT,
        related_name="evaluation_slots",
    )
    starts_at = models.DateTimeField("début")
    duration_minutes = models.PositiveSmallIntegerField("durée prévue (minutes)")
    # The sitting's timed parts as planned ([{code, title, minutes, fixed}]): `fixed` is the
    # referential's duration, never shortened (planning.plan_parts); empty without parts.
    parts = models.JSONField("parties minutées", default=list, blank=True)
    extra_minutes = models.PositiveSmallIntegerField(
        "temps supplémentaire (minutes)", default=0, help_text="Aménagement d'épreuve."
    )
    room = models.CharField("salle", max_length=120, blank=True)
    status = models.CharField(
        "état", max_length=20, choices=SlotStatus.choices, default=SlotStatus.SCHEDULED
    )
    convoked_at = models.DateTimeField("convocation envoyée le", null=True, blank=True)
    # When the candidate confirmed, in her space, that she will attend; cleared when a changed
    # convocation is re-sent (she must confirm the new time).
    presence_confirmed_at = models.DateTimeField("présence confirmée le", null=True, blank=True)
    # True once the staff chose the slot's assessors by hand: confirming the panel then keeps
    # them (checked) instead of assigning every panel member without a link to the candidate.
    assessors_chosen = models.BooleanField("évaluateurs choisis pour ce créneau", default=False)
    assessors = models.ManyToManyField(
        JurorProfile, verbose_name="évaluateurs", through="SlotAssessor", related_name="+"
    )

    class Meta:
        verbose_name = "créneau d'épreuve"
        verbose_name_plural = "créneaux d'épreuve"
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        return f"{self.assessment.code} — {self.candidacy.candidate} ({start:%d/%m/%Y %H:%M})"

    @property
    def is_settled(self) -> bool:
        """No move left (SLOT_TRANSITIONS): consolidated, absent or cancelled."""
        return is_final(SLOT_TRANSITIONS, self.status)

    @property
    def is_consolidated(self) -> bool:
        return self.status == SlotStatus.CONSOLIDATED

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes + self.extra_minutes)

    @property
    def part_times(self) -> list[dict]:
        """Each timed part with its start and end; the extra time follows the last part."""
        start, times = self.starts_at, []
        for part in self.parts:
            end = start + timedelta(minutes=part["minutes"])
            times.append(part | {"starts_at": start, "ends_at": end})
            start = end
        return times


class SlotAssessor(models.Model):
    """A panel member assessing one slot (never a juror linked to the candidate)."""

    slot = models.ForeignKey(
        Slot, verbose_name="créneau", on_delete=models.PROTECT, related_name="assessor_links"
    )
    juror = models.ForeignKey(
        JurorProfile, verbose_name="évaluateur", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "évaluateur du créneau"
        verbose_name_plural = "évaluateurs du créneau"
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "juror"],
                name="unique_slot_assessor",
                violation_error_message="Ce membre évalue déjà ce créneau.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.juror} — {self.slot_id}"


class Incident(models.Model):
    slot = models.ForeignKey(
        Slot, verbose_name="créneau", on_delete=models.PROTECT, related_name="incidents"
    )
    kind = models.CharField("incident", max_length=20, choices=IncidentKind.choices)
    minutes = models.PositiveSmallIntegerField("minutes de retard", null=True, blank=True)
    note = models.TextField("note")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="saisi par",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField("saisi le")

    class Meta:
        verbose_name = "incident d'épreuve"
        verbose_name_plural = "incidents d'épreuve"
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.slot}"


class DeliverableSubmission(models.Model):
    """A preparatory deliverable uploaded for a slot; the latest one before the deadline counts."""

    slot = models.ForeignKey(
        Slot,
        verbose_name="créneau",
        on_delete=models.PROTECT,
        related_name="deliverable_submissions",
    )
    deliverable = models.ForeignKey(
        "referential.PreparatoryDeliverable",
        verbose_name="livrable",
        on_delete=models.PROTECT,
        related_name="+",
    )
    document = models.ForeignKey(
        "documents.Document", verbose_name="fichier", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("déposé le")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="déposé par",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "livrable déposé"
        verbose_name_plural = "livrables déposés"
        ordering = ["submitted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.deliverable.code} — {self.slot}"


class Grid(models.Model):
    """One panel member's own grid for one slot: kept as submitted, never changed after."""

    slot = models.ForeignKey(
        Slot, verbose_name="créneau", on_delete=models.PROTECT, related_name="grids"
    )
    juror = models.ForeignKey(
        JurorProfile, verbose_name="évaluateur", on_delete=models.PROTECT, related_name="grids"
    )
    status = models.CharField(
        "état", max_length=10, choices=GridStatus.choices, default=GridStatus.DRAFT
    )
    created_at = models.DateTimeField("ouverte le", auto_now_add=True)
    submitted_at = models.DateTimeField("remise le", null=True, blank=True)
    content_hash = models.CharField("empreinte de la grille remise", max_length=64, blank=True)

    class Meta:
        verbose_name = "grille d'évaluation"
        verbose_name_plural = "grilles d'évaluation"
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "juror"],
                name="unique_grid_per_assessor",
                violation_error_message="Cet évaluateur a déjà une grille pour ce créneau.",
            )
        ]

    def __str__(self) -> str:
        return f"Grille de {self.juror} — {self.slot}"

    @property
    def is_submitted(self) -> bool:
        return self.status == GridStatus.SUBMITTED


class GridMark(models.Model):
    """One criterion of a grid. `revision` is the optimistic lock of the autosave.

    A save sends the revision it last saw; the UPDATE matches only that revision and an
    unlocked mark, so a concurrent or stale save changes nothing and gets a conflict.
    """

    grid = models.ForeignKey(
        Grid, verbose_name="grille", on_delete=models.PROTECT, related_name="marks"
    )
    criterion = models.ForeignKey(
        "referential.Criterion",
        verbose_name="critère",
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField("ordre")
    acquired = models.BooleanField("acquis", null=True, blank=True)
    comment = models.TextField("commentaire ou justification", blank=True)
    revision = models.PositiveIntegerField("révision", default=0)
    locked = models.BooleanField("verrouillé", default=False)
    updated_at = models.DateTimeField("modifié le", null=True, blank=True)

    class Meta:
        verbose_name = "appréciation d'un critère"
        verbose_name_plural = "appréciations des critères"
        ordering = ["grid", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "criterion"],
                name="unique_mark_per_criterion",
                violation_error_message="Ce critère figure déjà dans la grille.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id} : {self.acquired}"


class Consolidation(models.Model):
    """The panel's consolidated result for one slot, recorded once every grid is submitted."""

    slot = models.OneToOneField(
        Slot, verbose_name="créneau", on_delete=models.PROTECT, related_name="consolidation"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="saisie par",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField("consolidée le")
    # Final orals with their own criteria: the oral's result (rule: all criteria acquired).
    outcome = models.BooleanField("épreuve réussie", null=True, blank=True)
    outcome_by_rule = models.BooleanField("résultat selon la règle", null=True, blank=True)
    outcome_reason = models.TextField("motif de l'écart à la règle", blank=True)

    class Meta:
        verbose_name = "résultat consolidé"
        verbose_name_plural = "résultats consolidés"
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__isnull=True)
                | Q(outcome=F("outcome_by_rule"))
                | ~Q(outcome_reason=""),
                name="consolidation_departure_has_reason",
                violation_error_message="Un écart à la règle exige un motif écrit.",
            )
        ]

    def __str__(self) -> str:
        return f"Résultat consolidé — {self.slot}"


class ConsolidatedMark(models.Model):
    consolidation = models.ForeignKey(
        Consolidation, verbose_name="résultat", on_delete=models.PROTECT, related_name="marks"
    )
    criterion = models.ForeignKey(
        "referential.Criterion", verbose_name="critère", on_delete=models.PROTECT, related_name="+"
    )
    acquired = models.BooleanField("acquis")
    divergent = models.BooleanField("divergence entre évaluateurs", default=False)
    comment = models.TextField("commentaire du jury", blank=True)

    class Meta:
        verbose_name = "critère consolidé"
        verbose_name_plural = "critères consolidés"
        constraints = [
            models.UniqueConstraint(
                fields=["consolidation", "criterion"],
                name="unique_consolidated_criterion",
                violation_error_message="Ce critère est déjà consolidé.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id} : {self.acquired}"


class CompetencyResult(models.Model):
    """A competency's result from a consolidation: the rule's answer unless a reason departs."""

    consolidation = models.ForeignKey(
        Consolidation,
        verbose_name="résultat",
        on_delete=models.PROTECT,
        related_name="competency_results",
    )
    candidacy = models.ForeignKey(
        "candidates.Candidacy",
        verbose_name="candidature",
        on_delete=models.PROTECT,
        related_name="competency_results",
    )
    competency = models.ForeignKey(
        "referential.Competency",
        verbose_name="compétence",
        on_delete=models.PROTECT,
        related_name="+",
    )
    acquired = models.BooleanField("acquise")
    by_rule = models.BooleanField("selon la règle")
    reason = models.TextField("motif de l'écart à la règle", blank=True)

    class Meta:
        verbose_name = "résultat de compétence"
        verbose_name_plural = "résultats de compétences"
        constraints = [
            models.UniqueConstraint(
                fields=["consolidation", "competency"],
                name="unique_competency_result",
                violation_error_message="Cette compétence a déjà un résultat pour ce créneau.",
            ),
            models.CheckConstraint(
                condition=Q(acquired=F("by_rule")) | ~Q(reason=""),
                name="competency_departure_has_reason",
                violation_error_message="Un écart à la règle exige un motif écrit.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competency_id} : {self.acquired}"


class CalendarEvent(models.Model):
    """The last version of a convocation's calendar event handed out, per UID.

    RFC 5545 §3.8.7.4: SEQUENCE grows with every revision of an event, so that a calendar
    replaces the event it holds instead of adding a copy (or ignoring the change). The digest
    of what the event says (times, place, title, description, status) tells whether the file
    built now is a new revision."""

    uid = models.CharField("identifiant (UID)", max_length=255, unique=True)
    sequence = models.PositiveIntegerField("révision (SEQUENCE)", default=0)
    digest = models.CharField("empreinte du contenu", max_length=64)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "événement de calendrier"
        verbose_name_plural = "événements de calendrier"

    def __str__(self) -> str:
        return f"{self.uid} (révision {self.sequence})"
