"""The « confirmez votre présence » reminder (acquis.emails.reminders): to convoked
candidates who have not confirmed, N days before the sitting, once per sitting time.
The day is injected (`today`, `now`), never read."""

from datetime import date

import pytest
from django.core import mail

from acquis.emails.enums import EmailKind, EmailStatus
from acquis.emails.models import EmailLog
from acquis.emails.reminders import send_reminders
from acquis.evaluations import planning, services
from acquis.evaluations.convocations import confirm_presence, send_convocations
from tests import evaluation_factories as ef

pytestmark = pytest.mark.django_db
SITTING = date(2026, 12, 15)
ON = {"enabled": True, "deliverables_days": 3, "memoir_days": 7, "convocation_days": 3}


@pytest.fixture
def convoked(ops_version, personas):
    """Two candidates convoked to E1 on the 15th: `waiting` at 09:00, `sure` at 10:00 (who
    confirmed); a third slot never convoked (no e-mail address)."""
    session = ef.session(ops_version, on=SITTING)
    waiting = ef.slot(session, ef.started_candidacy(ops_version), "E1", "09:00")
    sure = ef.slot(session, ef.started_candidacy(ops_version), "E1", "10:00")
    services.confirm_panel(session)
    send_convocations(session, actor=personas["responsable_epreuves"])
    confirm_presence(sure, actor=None, now=ef.at(date(2026, 12, 1), "12:00"))
    mail.outbox.clear()
    return session, waiting, sure


def _run(day: date, hhmm: str = "06:00"):
    """The daily maintenance's reminders on `day` (the convocation ones only counted)."""
    report = send_reminders(today=day, now=ef.at(day, hhmm))
    return report.sent.get(EmailKind.REMINDER_CONVOCATION, 0)


def _logs():
    return EmailLog.objects.filter(kind=EmailKind.REMINDER_CONVOCATION)


def test_once_to_the_candidate_who_has_not_confirmed(convoked, settings):
    settings.ACQUIS_REMINDERS = ON
    session, waiting, sure = convoked
    assert _run(date(2026, 12, 11)) == 0  # four days before: too early
    assert _run(date(2026, 12, 12)) == 1
    [message] = [m for m in mail.outbox if "confirmez votre présence" in m.subject]
    candidate = waiting.candidacy.candidate
    assert message.to == [candidate.email]
    assert message.subject == (
        "Rappel : confirmez votre présence à l'épreuve E1 du 15 décembre 2026 à 09:00"
    )
    assert f"/mon-dossier/convocations/{waiting.pk}/" in message.body
    assert "mardi 15 décembre 2026 à 09:00" in message.body
    log = _logs().get()
    assert (log.candidacy, log.session, log.status) == (
        waiting.candidacy,
        session,
        EmailStatus.SENT,
    )
    assert log.key.startswith(f"convocation:slot-{waiting.pk}:")
    # The next runs, the same day or the following ones, send nothing more.
    for day in (12, 13, 14, 15):
        assert _run(date(2026, 12, day)) == 0
    assert _logs().count() == 1


def test_a_moved_slot_gets_a_new_reminder_unless_confirmed(convoked, settings, personas):
    settings.ACQUIS_REMINDERS = ON
    session, waiting, sure = convoked
    assert _run(date(2026, 12, 12)) == 1
    # Both moved: the re-sent convocation clears the confirmation; each must confirm again.
    for slot, hhmm in ((waiting, "11:00"), (sure, "12:00")):
        planning.update_slot(
            slot,
            starts_at=ef.at(SITTING, hhmm),
            duration_minutes=60,
            reason="Salle libérée plus tard",
            actor=personas["responsable_epreuves"],
        )
    assert _run(date(2026, 12, 13)) == 2
    confirm_presence(waiting, actor=None, now=ef.at(date(2026, 12, 13), "18:00"))
    assert _run(date(2026, 12, 14)) == 0
    assert _logs().count() == 3


def test_none_once_the_sitting_began_or_for_a_cancelled_slot(convoked, settings, personas):
    settings.ACQUIS_REMINDERS = ON
    session, waiting, sure = convoked
    assert _run(SITTING, "09:30") == 0  # the sitting has begun
    planning.cancel_slot(waiting, reason="Désistement", actor=personas["responsable_epreuves"])
    assert _run(date(2026, 12, 13)) == 0
    assert not _logs().exists()


def test_switched_off_alone_or_with_every_reminder(convoked, settings):
    settings.ACQUIS_REMINDERS = ON | {"convocation_enabled": False}
    assert _run(date(2026, 12, 13)) == 0
    settings.ACQUIS_REMINDERS = ON | {"enabled": False}
    assert _run(date(2026, 12, 13)) == 0
    assert not _logs().exists()
    # Another delay: from seven days before.
    settings.ACQUIS_REMINDERS = ON | {"convocation_days": 7}
    assert _run(date(2026, 12, 8)) == 1
