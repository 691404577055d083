"""The candidate's presence confirmation (convocations.confirm_presence): recorded once and
audited, refused when not convoked, cancelled or past, cleared by a re-sent convocation.
The time is injected (`now`), never read from the machine's clock."""

from datetime import date

import pytest

from acquis.audit.models import AuditEvent
from acquis.evaluations import planning, services
from acquis.evaluations.convocations import confirm_presence, send_convocations
from acquis.evaluations.exceptions import EvaluationError
from tests import evaluation_factories as ef

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 15)


@pytest.fixture
def manager(personas):
    return personas["responsable_epreuves"]


@pytest.fixture
def slot(ops_version, manager):
    session = ef.session(ops_version, on=DAY)
    slot = ef.slot(session, ef.started_candidacy(ops_version), "E1", "09:00", minutes=60)
    services.confirm_panel(session)
    return slot


def _confirmed_events(slot):
    return AuditEvent.objects.for_object(slot).filter(verb="slot.presence_confirmed")


def test_a_convoked_candidate_confirms_once(slot, manager):
    user = slot.candidacy.candidate.user
    with pytest.raises(EvaluationError, match="pas encore convoqué"):
        confirm_presence(slot, actor=user, now=ef.at(DAY - date.resolution, "12:00"))
    send_convocations(slot.session, actor=manager)
    when = ef.at(date(2026, 12, 10), "18:30")
    assert confirm_presence(slot, actor=user, now=when) is True
    slot.refresh_from_db()
    assert slot.presence_confirmed_at == when
    [event] = _confirmed_events(slot)
    assert event.payload["starts_at"] == ef.at(DAY, "09:00").isoformat()
    # Again (a double click, a second tab): nothing more written, the first time kept.
    assert confirm_presence(slot, actor=user, now=ef.at(date(2026, 12, 11), "08:00")) is False
    slot.refresh_from_db()
    assert slot.presence_confirmed_at == when
    assert _confirmed_events(slot).count() == 1


def test_refused_once_the_sitting_has_begun(slot, manager):
    send_convocations(slot.session, actor=manager)
    for late in ("09:00", "14:00"):
        with pytest.raises(EvaluationError, match="déjà commencé ou est passée"):
            confirm_presence(slot, actor=None, now=ef.at(DAY, late))
    assert confirm_presence(slot, actor=None, now=ef.at(DAY, "08:59")) is True


def test_refused_for_a_cancelled_slot(slot, manager):
    send_convocations(slot.session, actor=manager)
    planning.cancel_slot(slot, reason="Désistement", actor=manager)
    with pytest.raises(EvaluationError, match="annulée"):
        confirm_presence(slot, actor=None, now=ef.at(date(2026, 12, 10), "10:00"))
    slot.refresh_from_db()
    assert slot.presence_confirmed_at is None
    assert not _confirmed_events(slot).exists()


def test_a_changed_convocation_clears_the_confirmation(slot, manager):
    send_convocations(slot.session, actor=manager)
    confirm_presence(slot, actor=None, now=ef.at(date(2026, 12, 10), "10:00"))
    planning.update_slot(
        slot,
        starts_at=ef.at(DAY, "10:00"),
        duration_minutes=60,
        reason="Salle libérée plus tard",
        actor=manager,
    )
    slot.refresh_from_db()
    assert slot.presence_confirmed_at is None
    cleared = AuditEvent.objects.for_object(slot).get(verb="slot.presence_confirmation_cleared")
    assert cleared.payload["reason"] == "Salle libérée plus tard"
    # She confirms the new time.
    assert confirm_presence(slot, actor=None, now=ef.at(date(2026, 12, 11), "10:00")) is True
    assert _confirmed_events(slot).count() == 2
