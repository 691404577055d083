"""States and codes of evaluation sessions and juror records, declared once as data."""

from django.db import models


class SessionStatus(models.TextChoices):
    PLANNED = "planned", "Planifiée"
    PANEL_CONFIRMED = "panel_confirmed", "Jury confirmé"
    OPENED = "opened", "Ouverte"
    CLOSED = "closed", "Clôturée"
    CANCELLED = "cancelled", "Annulée"


# (from, to) -> verb. The whole life of a session; every move is audited
# (session_workflow.move_session).
SESSION_TRANSITIONS = {
    (SessionStatus.PLANNED, SessionStatus.PANEL_CONFIRMED): "confirm_panel",
    (SessionStatus.PANEL_CONFIRMED, SessionStatus.PLANNED): "reopen_panel",
    (SessionStatus.PLANNED, SessionStatus.CANCELLED): "cancel",
    (SessionStatus.PANEL_CONFIRMED, SessionStatus.CANCELLED): "cancel",
    # Opening (on the day): grids can be filled, the panel sees the deliverables.
    (SessionStatus.PANEL_CONFIRMED, SessionStatus.OPENED): "open",
    # Closing: every slot is consolidated, absent or cancelled.
    (SessionStatus.OPENED, SessionStatus.CLOSED): "close",
}


class SlotStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Prévu"
    ABSENT_EXCUSED = "absent_excused", "Absence excusée"
    ABSENT_UNEXCUSED = "absent_unexcused", "Absence non excusée"
    CONSOLIDATED = "consolidated", "Résultat consolidé"
    CANCELLED = "cancelled", "Annulé"


# (from, to) -> verb for a candidate's slot.
SLOT_TRANSITIONS = {
    (SlotStatus.SCHEDULED, SlotStatus.ABSENT_EXCUSED): "absent_excused",
    (SlotStatus.SCHEDULED, SlotStatus.ABSENT_UNEXCUSED): "absent_unexcused",
    (SlotStatus.SCHEDULED, SlotStatus.CONSOLIDATED): "consolidate",
    (SlotStatus.SCHEDULED, SlotStatus.CANCELLED): "cancel",
}
# A candidacy may be convoked again to the same sitting only after these.
RECONVOCABLE_SLOT_STATUSES = (SlotStatus.ABSENT_EXCUSED, SlotStatus.CANCELLED)


class IncidentKind(models.TextChoices):
    ABSENCE_EXCUSED = "absence_excused", "Absence excusée"
    ABSENCE_UNEXCUSED = "absence_unexcused", "Absence non excusée"
    LATENESS = "lateness", "Retard"
    TECHNICAL = "technical", "Incident technique"


# Incidents that end the slot (the candidate was not assessed), and the slot status they set.
ABSENCE_SLOT_STATUS = {
    IncidentKind.ABSENCE_EXCUSED: SlotStatus.ABSENT_EXCUSED,
    IncidentKind.ABSENCE_UNEXCUSED: SlotStatus.ABSENT_UNEXCUSED,
}


class GridStatus(models.TextChoices):
    DRAFT = "draft", "En cours"
    SUBMITTED = "submitted", "Remise"


class ConflictKind(models.TextChoices):
    """Links that forbid a juror to assess a candidate (domain.md, practice)."""

    TRAINED = "trained", "A formé le candidat"
    EMPLOYER = "employer", "Employeur du candidat"
    COLLEAGUE = "colleague", "Collègue du candidat"
    RELATIVE = "relative", "Proche ou parent du candidat"
    OTHER = "other", "Autre lien"


class PanelRule(models.TextChoices):
    """The rules the panel validator enforces, each from the referential's evaluation_panel."""

    NOT_EMPTY = "not_empty", "Le jury compte au moins un membre"
    SECTOR = "sector", "Secteur d'expérience reconnu"
    EXPERIENCE = "experience", "Expérience minimale dans le secteur"
    EXPERIENCE_PROOF = "experience_proof", "Expérience justifiée par une pièce"
    ROLE = "role", "Fonction reconnue"
    TRAINING = "training", "Formé avant la session"
    CERTIFIER_REPRESENTATIVE = "certifier_representative", "Représentant du certificateur présent"
    PROFESSIONALS = (
        "professionals",
        "Professionnels qualifiés en plus du représentant du certificateur",
    )
    SLOT_ASSESSOR = "slot_assessor", "Chaque candidat a des évaluateurs sans lien avec lui"
    OVERLAP = "overlap", "Un évaluateur n'est pas sur deux créneaux à la fois"
