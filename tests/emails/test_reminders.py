"""Reminders before deadlines (acquis.emails.reminders): who gets one, when, once only."""

from datetime import date, timedelta

import pytest
from django.core import mail

from acquis.candidates.models import Candidacy
from acquis.emails.enums import EmailKind, EmailStatus
from acquis.emails.models import EmailLog
from acquis.emails.reminders import send_reminders
from acquis.evaluations import deliverables, services
from acquis.evaluations.convocations import send_convocations
from tests import evaluation_factories as ef
from tests import factories

pytestmark = pytest.mark.django_db
SITTING = date(2026, 12, 15)  # deliverables due on the 13th at 23:59 (two days before)
# The deliverables and memoir reminders alone (the convocation one: test_convocation_reminder).
OTHERS_ONLY = {
    "enabled": True,
    "deliverables_days": 3,
    "memoir_days": 7,
    "convocation_enabled": False,
}


@pytest.fixture
def convoked(clock, ops_version, personas):
    """Two candidates convoked to E1: `late` deposited nothing, `done` every deliverable."""
    session = ef.session(ops_version, on=SITTING)
    late = ef.started_candidacy(ops_version)
    done = ef.started_candidacy(ops_version)
    ef.slot(session, late, "E1", "09:00")
    done_slot = ef.slot(session, done, "E1", "10:00")
    services.confirm_panel(session)
    send_convocations(session, actor=personas["responsable_epreuves"])
    for deliverable in done_slot.assessment.deliverables.all():
        deliverables.upload_deliverable(
            done_slot, deliverable, upload=factories.pdf_upload(), actor=None
        )
    mail.outbox.clear()
    return session, late, done


def _reminders(kind):
    return EmailLog.objects.filter(kind=kind)


def test_deliverables_reminder_once_to_the_candidate_missing_them(convoked, settings):
    settings.ACQUIS_REMINDERS = OTHERS_ONLY
    session, late, done = convoked
    assert session.deliverables_due_at.date() == date(2026, 12, 13)
    # Four days before the deadline: too early.
    assert send_reminders(today=date(2026, 12, 9)).total == 0
    report = send_reminders(today=date(2026, 12, 10))
    assert report.sent == {EmailKind.REMINDER_DELIVERABLES: 1}
    [message] = mail.outbox
    assert message.to == [late.candidate.email]
    assert message.subject == "Rappel : livrables à déposer avant le 13 décembre 2026 (épreuve E1)"
    assert "au plus tard le 13 décembre 2026 à 23:59" in message.body
    assert "/mon-dossier/livrables/" in message.body
    log = _reminders(EmailKind.REMINDER_DELIVERABLES).get()
    assert (log.candidacy, log.session, log.status) == (late, session, EmailStatus.SENT)
    assert log.key.startswith("deliverables:slot-")
    # The next runs, the same day or the following ones, send nothing more.
    for day in (10, 11, 12, 13):
        assert send_reminders(today=date(2026, 12, day)).total == 0
    assert len(mail.outbox) == 1
    # A moved deadline is a new deadline: one more reminder.
    deliverables.set_deadline(session, session.deliverables_due_at + timedelta(days=1), actor=None)
    assert send_reminders(today=date(2026, 12, 12)).total == 1
    assert _reminders(EmailKind.REMINDER_DELIVERABLES).count() == 2


def test_a_failed_reminder_is_logged_and_sent_at_the_next_run(convoked, settings):
    settings.ACQUIS_REMINDERS = OTHERS_ONLY
    # A real SMTP connection refused (nothing listens on the loopback's port 9).
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    report = send_reminders(today=date(2026, 12, 11))
    assert (report.total, report.failed) == (0, 1)
    failed = _reminders(EmailKind.REMINDER_DELIVERABLES).get()
    assert failed.status == EmailStatus.FAILED and failed.error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_reminders(today=date(2026, 12, 12)).total == 1
    assert send_reminders(today=date(2026, 12, 12)).total == 0
    assert len(mail.outbox) == 1


def test_memoir_reminder_before_the_deadline_unless_deposited_or_closed(
    clock, ops_version, settings
):
    settings.ACQUIS_REMINDERS = OTHERS_ONLY
    waiting = factories.candidacy(ops_version, started=True)
    deposited = factories.candidacy(ops_version, started=True)
    later = factories.candidacy(ops_version, started=True)
    due = date(2026, 12, 20)
    Candidacy.objects.filter(pk__in=[waiting.pk, deposited.pk]).update(memoir_deadline=due)
    Candidacy.objects.filter(pk=later.pk).update(memoir_deadline=date(2027, 2, 1))
    factories.memoir_checked(deposited)
    assert send_reminders(today=date(2026, 12, 12)).total == 0  # eight days before
    report = send_reminders(today=date(2026, 12, 13))
    assert report.sent == {EmailKind.REMINDER_MEMOIR: 1}
    [message] = mail.outbox
    assert message.to == [waiting.candidate.email]
    assert message.subject == "Rappel : mémoire à déposer avant le 20 décembre 2026"
    assert f"/mon-dossier/candidatures/{waiting.pk}/memoire/" in message.body
    assert "Acquis — OPS Conseil" in message.body
    assert send_reminders(today=date(2026, 12, 19)).total == 0
    assert send_reminders(today=date(2026, 12, 21)).total == 0


def test_reminders_switched_off(convoked, settings):
    settings.ACQUIS_REMINDERS = {"enabled": False, "deliverables_days": 3, "memoir_days": 7}
    assert send_reminders(today=date(2026, 12, 11)).total == 0
    assert mail.outbox == [] and not EmailLog.objects.filter(key__gt="").exists()
