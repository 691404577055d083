"""Incidents of a sitting: absences end the slot, an excused one allows a new convocation."""

from datetime import date

import pytest

from acquis.audit.models import AuditEvent
from acquis.evaluations import planning, services
from acquis.evaluations.enums import IncidentKind, SlotStatus
from acquis.evaluations.exceptions import EvaluationError
from acquis.evaluations.incidents import record_incident
from acquis.evaluations.models import Incident
from tests import evaluation_factories as ef

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 15)


@pytest.fixture
def manager(personas):
    return personas["responsable_epreuves"]


@pytest.fixture
def candidacy(ops_version):
    return ef.started_candidacy(ops_version)


@pytest.fixture
def confirmed(ops_version):
    return ef.session(ops_version, on=DAY)


def _confirm(session):
    services.confirm_panel(session)
    return session


def test_an_excused_absence_ends_the_slot_and_allows_a_new_convocation(
    confirmed, candidacy, manager, ops_version
):
    slot = ef.slot(confirmed, candidacy, "E1", "09:00")
    _confirm(confirmed)
    incident = record_incident(
        slot,
        kind=IncidentKind.ABSENCE_EXCUSED,
        note="Certificat d'hospitalisation reçu",
        actor=manager,
    )
    slot.refresh_from_db()
    assert slot.status == SlotStatus.ABSENT_EXCUSED
    assert (incident.recorded_by, incident.note) == (manager, "Certificat d'hospitalisation reçu")
    verbs = list(AuditEvent.objects.filter(object_id=str(slot.pk)).values_list("verb", flat=True))
    assert verbs[-2:] == ["slot.incident", "slot.absent_excused"]
    assert AuditEvent.objects.get(verb="slot.incident").payload["kind"] == "absence_excused"
    later = ef.session(ops_version, on=date(2027, 1, 20), title="Session de rattrapage")
    again = ef.slot(later, candidacy, "E1", "09:00")
    assert again.status == SlotStatus.SCHEDULED


def test_an_unexcused_absence_does_not_allow_a_new_convocation(
    confirmed, candidacy, manager, ops_version
):
    slot = ef.slot(confirmed, candidacy, "E1", "09:00")
    _confirm(confirmed)
    record_incident(
        slot, kind=IncidentKind.ABSENCE_UNEXCUSED, note="Ne s'est pas présenté", actor=manager
    )
    slot.refresh_from_db()
    assert slot.status == SlotStatus.ABSENT_UNEXCUSED
    later = ef.session(ops_version, on=date(2027, 1, 20), title="Session de rattrapage")
    with pytest.raises(EvaluationError, match="déjà convoqué"):
        ef.slot(later, candidacy, "E1", "09:00")


def test_lateness_needs_minutes_and_keeps_the_slot(confirmed, candidacy, manager):
    slot = ef.slot(confirmed, candidacy)
    _confirm(confirmed)
    for minutes in (None, "", 0, 241, "dix"):
        with pytest.raises(EvaluationError, match="Minutes de retard : un nombre entre 1 et 240"):
            record_incident(
                slot, kind=IncidentKind.LATENESS, note="Train", minutes=minutes, actor=manager
            )
    incident = record_incident(
        slot, kind=IncidentKind.LATENESS, note="Train en retard", minutes=15, actor=manager
    )
    assert incident.minutes == 15
    slot.refresh_from_db()
    assert slot.status == SlotStatus.SCHEDULED
    with pytest.raises(EvaluationError, match="seulement pour un retard"):
        record_incident(slot, kind=IncidentKind.TECHNICAL, note="Vidéo", minutes=5, actor=manager)
    technical = record_incident(
        slot, kind=IncidentKind.TECHNICAL, note="Vidéoprojecteur en panne", actor=manager
    )
    assert technical.minutes is None
    assert Incident.objects.filter(slot=slot).count() == 2


def test_bad_input_is_refused_in_french_and_writes_nothing(confirmed, candidacy, manager):
    slot = ef.slot(confirmed, candidacy)
    _confirm(confirmed)
    with pytest.raises(EvaluationError, match="Note : décrivez l'incident."):
        record_incident(slot, kind=IncidentKind.ABSENCE_EXCUSED, note="   ", actor=manager)
    with pytest.raises(EvaluationError, match="Type d'incident"):
        record_incident(slot, kind="fire", note="Alarme", actor=manager)
    slot.refresh_from_db()
    assert slot.status == SlotStatus.SCHEDULED
    assert not Incident.objects.exists()
    assert not AuditEvent.objects.filter(verb="slot.incident").exists()


def test_incidents_need_a_confirmed_or_opened_session(confirmed, candidacy, manager):
    slot = ef.slot(confirmed, candidacy)
    with pytest.raises(EvaluationError, match="la session est « Planifiée »"):
        record_incident(slot, kind=IncidentKind.TECHNICAL, note="Panne", actor=manager)
    _confirm(confirmed)
    planning.open_session(confirmed, today=DAY)
    record_incident(slot, kind=IncidentKind.TECHNICAL, note="Panne", actor=manager)
    assert Incident.objects.count() == 1


def test_never_on_a_cancelled_consolidated_or_absent_slot(
    confirmed, candidacy, manager, ops_version
):
    slot = ef.slot(confirmed, candidacy, "E1", "09:00")
    cancelled = ef.slot(confirmed, ef.started_candidacy(ops_version), "E1", "10:00")
    _confirm(confirmed)
    planning.cancel_slot(cancelled, reason="Désistement", actor=manager)
    with pytest.raises(EvaluationError, match="le créneau est « Annulé »"):
        record_incident(cancelled, kind=IncidentKind.TECHNICAL, note="Panne", actor=manager)
    record_incident(slot, kind=IncidentKind.ABSENCE_EXCUSED, note="Malade", actor=manager)
    with pytest.raises(EvaluationError, match="le créneau est « Absence excusée »"):
        record_incident(slot, kind=IncidentKind.ABSENCE_UNEXCUSED, note="Finalement", actor=manager)
    planning.open_session(confirmed, today=DAY)
    third = ef.started_candidacy(ops_version)
    consolidated = ef.session(ops_version, on=DAY, title="Autre")
    done = ef.slot(consolidated, third, "E1", "14:00")
    _confirm(consolidated)
    planning.move_slot(done, SlotStatus.CONSOLIDATED, actor=None)
    with pytest.raises(EvaluationError, match="le créneau est « Résultat consolidé »"):
        record_incident(done, kind=IncidentKind.LATENESS, note="Retard", minutes=5, actor=manager)
    assert Incident.objects.count() == 1
