"""Incidents of a sitting: absence (excused or not), lateness, technical incident.

Domain practice (domain.md): incidents and absences are recorded per sitting, with a note.
An absence ends the slot (planning.move_slot, audited); an excused absence lets the
candidacy be convoked again to the same sitting (RECONVOCABLE_SLOT_STATUSES, checked by
planning.add_slot), an unexcused one does not. Incidents are never edited nor deleted.
"""

from django.db import transaction
from django.utils import timezone

from acquis.audit.services import record_event
from acquis.evaluations import planning
from acquis.evaluations.enums import ABSENCE_SLOT_STATUS, IncidentKind, SessionStatus, SlotStatus
from acquis.evaluations.exceptions import EvaluationError
from acquis.evaluations.models import Incident, Slot

INCIDENT_SESSION_STATUSES = (SessionStatus.PANEL_CONFIRMED, SessionStatus.OPENED)
MAX_LATENESS_MINUTES = 240


def _check_minutes(kind: str, minutes) -> int | None:
    if kind != IncidentKind.LATENESS:
        if minutes not in (None, ""):
            raise EvaluationError("Minutes de retard : à indiquer seulement pour un retard.")
        return None
    try:
        value = int(minutes)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= MAX_LATENESS_MINUTES:
        raise EvaluationError(
            f"Minutes de retard : un nombre entre 1 et {MAX_LATENESS_MINUTES} pour un retard."
        )
    return value


@transaction.atomic
def record_incident(slot: Slot, *, kind: str, note: str, minutes=None, actor) -> Incident:
    """Record an incident on a scheduled slot; an absence also ends the slot."""
    if kind not in IncidentKind.values:
        raise EvaluationError("Type d'incident : choisissez un type dans la liste.")
    note = (note or "").strip()
    if not note:
        raise EvaluationError("Note : décrivez l'incident.")
    minutes = _check_minutes(kind, minutes)
    slot = Slot.objects.select_for_update().select_related("session").get(pk=slot.pk)
    if slot.session.status not in INCIDENT_SESSION_STATUSES:
        raise EvaluationError(
            "Incident non enregistré : la session est "
            f"« {slot.session.get_status_display()} » (jury confirmé ou session ouverte requis)."
        )
    if slot.status != SlotStatus.SCHEDULED:
        raise EvaluationError(
            f"Incident non enregistré : le créneau est « {slot.get_status_display()} »."
        )
    incident = Incident.objects.create(
        slot=slot,
        kind=kind,
        minutes=minutes,
        note=note,
        recorded_by=actor if actor is not None and actor.pk else None,
        recorded_at=timezone.now(),
    )
    record_event(
        "slot.incident",
        slot,
        actor=actor,
        payload={"incident": incident.pk, "kind": kind, "minutes": minutes},
    )
    if kind in ABSENCE_SLOT_STATUS:
        planning.move_slot(
            slot, ABSENCE_SLOT_STATUS[kind], actor=actor, payload={"incident": incident.pk}
        )
    return incident
