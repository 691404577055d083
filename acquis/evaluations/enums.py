"""States and codes of evaluation sessions and juror records, declared once as data."""

from django.db import models


class SessionStatus(models.TextChoices):
    PLANNED = "planned", "Planifiée"
    PANEL_CONFIRMED = "panel_confirmed", "Jury confirmé"
    CANCELLED = "cancelled", "Annulée"


# (from, to) -> verb. Opening, grading and closing come with the grids (issue 4, next steps).
SESSION_TRANSITIONS = {
    (SessionStatus.PLANNED, SessionStatus.PANEL_CONFIRMED): "confirm_panel",
    (SessionStatus.PANEL_CONFIRMED, SessionStatus.PLANNED): "reopen_panel",
    (SessionStatus.PLANNED, SessionStatus.CANCELLED): "cancel",
    (SessionStatus.PANEL_CONFIRMED, SessionStatus.CANCELLED): "cancel",
}


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
    EXPERIENCE = "experience", "Expérience minimale dans le secteur"
    EXPERIENCE_PROOF = "experience_proof", "Expérience justifiée par une pièce"
    ROLE = "role", "Fonction reconnue"
    TRAINING = "training", "Formé avant la session"
    CERTIFIER_REPRESENTATIVE = "certifier_representative", "Représentant du certificateur présent"
