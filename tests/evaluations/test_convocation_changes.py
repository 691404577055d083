"""Convocations and changes: sending after the deliverables deadline needs an explicit
confirmation; a session or a slot changed once convoked needs a reason, is audited, and
re-sends the convocations (same calendar UID, SEQUENCE one higher); a cancelled session
sends METHOD:CANCEL / STATUS:CANCELLED. The day is injected (`today`), never read."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from acquis.audit.models import AuditEvent
from acquis.evaluations import planning, services, sessions
from acquis.evaluations.convocations import late_warning, send_convocations
from acquis.evaluations.exceptions import EvaluationError
from tests import evaluation_factories as ef

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 15)
BEFORE_DEADLINE = date(2026, 12, 1)
AFTER_DEADLINE = date(2026, 12, 14)  # the default deadline is 13/12 at 23:59


@pytest.fixture
def manager(personas):
    return personas["responsable_epreuves"]


@pytest.fixture
def confirmed(ops_version):
    session = ef.session(ops_version, on=DAY)
    ef.slot(session, ef.started_candidacy(ops_version), "E1", "09:00", minutes=60, room="12")
    services.confirm_panel(session)
    return session


def _event(message):
    """(METHOD, the VEVENT) of the calendar file attached to an email."""
    (ics,) = [content for _, content, _ in message.attachments]
    calendar = Calendar.from_ical(ics)
    events = [e for e in calendar.walk("VEVENT") if "jury-session" not in str(e["uid"])]
    return str(calendar["method"]), events[0]


def _candidate_mail(session):
    email = session.slots.get().candidacy.candidate.email
    return [m for m in mail.outbox if m.to == [email]][-1]


def test_late_convocations_need_an_explicit_confirmation(confirmed, manager):
    assert late_warning(confirmed, today=BEFORE_DEADLINE) is None
    warning = late_warning(confirmed, today=AFTER_DEADLINE)
    assert "La date limite de dépôt des livrables (13/12/2026 à 23:59) est passée" in warning
    assert "nous sommes le 14/12/2026, session du 15/12/2026" in warning
    with pytest.raises(EvaluationError) as caught:
        send_convocations(confirmed, actor=manager, today=AFTER_DEADLINE)
    assert "Confirmez l'envoi" in caught.value.message
    assert not mail.outbox and not confirmed.slots.filter(convoked_at__isnull=False).exists()
    summary = send_convocations(confirmed, actor=manager, today=AFTER_DEADLINE, late_confirmed=True)
    assert summary.candidates == 1 and summary.jurors == 2
    event = AuditEvent.objects.for_object(confirmed).get(verb="session.late_convocations_confirmed")
    assert event.payload["today"] == "2026-12-14" and event.actor == manager


def test_the_staff_screen_asks_before_sending_late(client, ops_version, manager, clock):
    # The clock's day is 09/12/2026: a session of the 10th had its deadline on the 8th.
    session = ef.session(ops_version, on=date(2026, 12, 10))
    ef.slot(session, ef.started_candidacy(ops_version), "E1", "09:00", minutes=60)
    services.confirm_panel(session)
    client.force_login(manager)
    url = reverse("staff:session_action", args=[session.pk, "convoquer"])
    page = client.post(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Envoyer les convocations après la date limite des livrables ?" in text
    assert "08/12/2026 à 23:59" in text and "nous sommes le 09/12/2026" in text
    assert not mail.outbox
    done = client.post(url, {"confirmation": "oui"})
    assert done.status_code == 302 and len(mail.outbox) == 3


def test_a_slot_changed_once_convoked_needs_a_reason_and_is_sent_again(confirmed, manager):
    send_convocations(confirmed, actor=manager)
    method, first = _event(_candidate_mail(confirmed))
    slot = confirmed.slots.get()
    with pytest.raises(EvaluationError) as caught:
        planning.update_slot(slot, starts_at=ef.at(DAY, "10:00"), duration_minutes=60)
    assert caught.value.field == "reason"
    mail.outbox.clear()
    planning.update_slot(
        slot,
        starts_at=ef.at(DAY, "10:00"),
        duration_minutes=60,
        room="12",
        reason="Salle libérée plus tard",
        actor=manager,
    )
    message = _candidate_mail(confirmed)
    assert message.subject.startswith("Convocation modifiée : épreuve E1 le 15/12/2026 à 10:00")
    assert "Votre convocation a été modifiée (Salle libérée plus tard)" in message.body
    method, second = _event(message)
    assert method == "PUBLISH"
    assert str(second["uid"]) == str(first["uid"])
    assert int(second["sequence"]) == int(first["sequence"]) + 1
    jurors = [m for m in mail.outbox if m.to != message.to]
    assert len(jurors) == 2 and all("Convocation modifiée" in m.subject for m in jurors)
    event = AuditEvent.objects.for_object(slot).get(verb="slot.updated")
    assert event.payload["reason"] == "Salle libérée plus tard"
    assert (
        AuditEvent.objects.for_object(confirmed).filter(verb="session.convocations_resent").exists()
    )


def test_a_session_moved_once_convoked_resends_with_the_next_sequence(confirmed, manager):
    send_convocations(confirmed, actor=manager)
    _, first = _event(_candidate_mail(confirmed))
    mail.outbox.clear()
    with pytest.raises(EvaluationError) as caught:
        sessions.update_session(
            confirmed,
            title="Session B1",
            on=date(2026, 12, 16),
            place="Lyon",
            today=BEFORE_DEADLINE,
        )
    assert caught.value.field == "reason" and not mail.outbox
    sessions.update_session(
        confirmed,
        title="Session B1",
        on=date(2026, 12, 16),
        place="Lyon",
        today=BEFORE_DEADLINE,
        reason="Salle indisponible le 15",
        actor=manager,
    )
    _, second = _event(_candidate_mail(confirmed))
    assert str(second["uid"]) == str(first["uid"])
    assert int(second["sequence"]) == int(first["sequence"]) + 1
    assert second.decoded("dtstart").date() == date(2026, 12, 16)
    assert "Lyon" in str(second["location"])
    assert len(mail.outbox) == 3  # the candidate and both jurors
    event = AuditEvent.objects.for_object(confirmed).get(verb="session.updated")
    assert event.payload["reason"] == "Salle indisponible le 15"


def test_cancelling_a_convoked_session_sends_cancel_with_the_next_sequence(confirmed, manager):
    send_convocations(confirmed, actor=manager)
    _, first = _event(_candidate_mail(confirmed))
    mail.outbox.clear()
    services.cancel_session(confirmed, reason="Jury indisponible", actor=manager)
    method, cancelled = _event(_candidate_mail(confirmed))
    assert method == "CANCEL" and str(cancelled["status"]) == "CANCELLED"
    assert str(cancelled["uid"]) == str(first["uid"])
    assert int(cancelled["sequence"]) == int(first["sequence"]) + 1
    assert len(mail.outbox) == 3
