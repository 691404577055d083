"""Changing a session: past dates (and the history flag), editing until convocations are
sent, cancelling with a reason, deleting while empty, removing a panel member before the
panel is confirmed. The calendar day is injected (`today`), never read from the clock."""

from datetime import date, timedelta

import pytest

from acquis.audit.models import AuditEvent
from acquis.evaluations import services, sessions
from acquis.evaluations.enums import SessionStatus
from acquis.evaluations.exceptions import EvaluationError
from acquis.evaluations.models import EvaluationSession, SlotAssessor
from tests import evaluation_factories as ef

pytestmark = pytest.mark.django_db
TODAY = date(2026, 5, 4)
DAY = date(2026, 6, 15)


def plan(ops_version, certifier, on=DAY, **kwargs):
    return services.plan_session(
        certifier=certifier,
        version=ops_version,
        title="Session B1",
        on=on,
        place="OPS Conseil, Bron",
        today=TODAY,
        **kwargs,
    )


def test_a_past_day_is_refused_unless_recorded_as_history(ops_version, certifier):
    with pytest.raises(EvaluationError) as caught:
        plan(ops_version, certifier, on=date(2020, 1, 1))
    assert caught.value.field == "on" and "le 01/01/2020 est passé" in caught.value.message
    assert "Session passée (historique)" in caught.value.message
    assert not EvaluationSession.objects.exists()
    old = plan(ops_version, certifier, on=date(2020, 1, 1), history=True)
    event = AuditEvent.objects.for_object(old).get(verb="session.planned")
    assert event.payload == {"history": True}
    assert plan(ops_version, certifier, on=TODAY).date == TODAY


def test_a_typed_deadline_in_the_past_is_refused(ops_version, certifier):
    past = ef.at(date(2019, 12, 30), "18:00")
    with pytest.raises(EvaluationError) as caught:
        plan(ops_version, certifier, deliverables_due_at=past)
    assert caught.value.field == "deliverables_due_at"
    with pytest.raises(EvaluationError):
        plan(ops_version, certifier, deliverables_due_at=ef.at(DAY + timedelta(days=1), "9:00"))


def test_edit_moves_the_slots_to_the_new_day_and_is_audited(ops_version, certifier):
    session = ef.session(ops_version, on=DAY)
    slot = ef.slot(session, ef.started_candidacy(ops_version))
    new_day = DAY + timedelta(days=7)
    sessions.update_session(
        session, title="Session B1 (reportée)", on=new_day, place="Lyon", today=TODAY
    )
    session.refresh_from_db()
    slot.refresh_from_db()
    assert (session.title, session.date, session.place) == (
        "Session B1 (reportée)",
        new_day,
        "Lyon",
    )
    assert slot.starts_at.date() == new_day
    assert session.deliverables_due_at.date() == new_day - timedelta(days=2)  # followed the day
    event = AuditEvent.objects.for_object(session).get(verb="session.updated")
    assert event.payload["changes"]["date"] == [DAY.isoformat(), new_day.isoformat()]
    assert event.payload["slots_moved"] == 1


def test_edit_refuses_a_past_day_then_stops_once_convocations_are_sent(ops_version, certifier):
    session = ef.session(ops_version, on=DAY)
    with pytest.raises(EvaluationError) as caught:
        sessions.update_session(session, title="S", on=date(2020, 1, 1), place="L", today=TODAY)
    assert caught.value.field == "on"
    ef.slot(session, ef.started_candidacy(ops_version))
    services.confirm_panel(session)
    session.slots.update(convoked_at=ef.at(TODAY, "10:00"))
    assert sessions.editable(session)  # with a reason, once convoked
    with pytest.raises(EvaluationError) as caught:
        sessions.update_session(session, title="S", on=DAY, place="Lyon", today=TODAY)
    assert "Les convocations sont envoyées : indiquez le motif" in caught.value.message
    assert caught.value.field == "reason"
    session.refresh_from_db()
    assert session.place == "OPS Conseil, Bron"


def test_cancel_needs_a_reason(ops_version, certifier):
    session = ef.session(ops_version, on=DAY)
    with pytest.raises(EvaluationError):
        services.cancel_session(session, reason=" ")
    services.cancel_session(session, reason="Salle indisponible")
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    event = AuditEvent.objects.for_object(session).get(verb="session.cancel")
    assert event.payload["reason"] == "Salle indisponible"


def test_delete_only_while_empty(ops_version, certifier):
    full = ef.session(ops_version, on=DAY)
    with pytest.raises(EvaluationError) as caught:
        sessions.delete_session(full)
    assert "annulez-la avec un motif" in caught.value.message
    empty = plan(ops_version, certifier)
    pk = empty.pk
    sessions.delete_session(empty)
    assert not EvaluationSession.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(verb="session.deleted", object_id=str(pk))
    assert event.payload["title"] == "Session B1" and event.payload["date"] == DAY.isoformat()


def test_remove_a_member_before_confirmation_only(ops_version, certifier):
    session = ef.session(ops_version, on=DAY)
    ef.slot(session, ef.started_candidacy(ops_version))
    services.confirm_panel(session)
    anne, paul = (m.juror for m in session.panel.order_by("pk"))
    assert SlotAssessor.objects.filter(slot__session=session, juror=paul).exists()
    with pytest.raises(EvaluationError) as caught:
        sessions.remove_panel_member(session, paul)
    assert "rouvrez-le d'abord" in caught.value.message
    services.reopen_panel(session)
    sessions.remove_panel_member(session, paul)
    assert list(session.panel.values_list("juror", flat=True)) == [anne.pk]
    assert not SlotAssessor.objects.filter(slot__session=session, juror=paul).exists()
    paul.refresh_from_db()  # the juror record itself does not change
    event = AuditEvent.objects.for_object(session).get(verb="session.panel_member_removed")
    assert event.payload["juror"] == paul.pk
    with pytest.raises(EvaluationError):
        sessions.remove_panel_member(session, paul)


def test_cancelling_the_session_cancels_its_slots_and_tells_the_convoked(ops_version, certifier):
    from django.core import mail

    from acquis.evaluations.convocations import send_convocations
    from acquis.evaluations.enums import SlotStatus

    session = ef.session(ops_version, on=DAY)
    slot = ef.slot(session, ef.started_candidacy(ops_version))
    services.confirm_panel(session)
    send_convocations(session, actor=None)
    mail.outbox.clear()
    services.cancel_session(session, reason="Salle indisponible")
    slot.refresh_from_db()
    assert slot.status == SlotStatus.CANCELLED
    assert mail.outbox and all("Annulation" in m.subject for m in mail.outbox)
    assert "Session annulée : Salle indisponible" in mail.outbox[0].body


def test_a_session_that_cannot_be_cancelled_keeps_its_slots(ops_version, certifier):
    from acquis.evaluations import planning
    from acquis.evaluations.enums import SlotStatus

    session = ef.session(ops_version, on=DAY)
    slot = ef.slot(session, ef.started_candidacy(ops_version))
    services.confirm_panel(session)
    planning.open_session(session, today=DAY)
    with pytest.raises(EvaluationError):
        services.cancel_session(session, reason="Trop tard")
    slot.refresh_from_db()
    assert slot.status == SlotStatus.SCHEDULED
