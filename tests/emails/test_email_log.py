"""The e-mail log: every e-mail sent is recorded (or its failure), shown to the staff on the
dossier, the session and the staff-wide list, and may be sent again (confirmed, audited)."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from acquis.audit.models import AuditEvent
from acquis.emails.enums import EmailKind, EmailStatus
from acquis.emails.models import EmailLog
from acquis.evaluations import services
from acquis.evaluations.convocations import send_convocations
from acquis.rgpd.erasure import erase_candidate
from acquis.rgpd.retention import apply_retention
from tests import evaluation_factories as ef

pytestmark = pytest.mark.django_db
SITTING = date(2026, 12, 15)


@pytest.fixture
def refused_smtp(settings):
    """A real SMTP connection, refused (nothing listens on the loopback's port 9)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9


@pytest.fixture
def session(clock, ops_version):
    planned = ef.session(ops_version, on=SITTING)
    ef.slot(planned, ef.started_candidacy(ops_version), "E1", "09:00")
    services.confirm_panel(planned)
    return planned


def test_a_convocation_is_logged_with_its_calendar_file(session, personas):
    send_convocations(session, actor=personas["responsable_epreuves"])
    slot = session.slots.get()
    log = EmailLog.objects.get(candidacy=slot.candidacy)
    assert (log.kind, log.session, log.certifier) == (
        EmailKind.CONVOCATION,
        session,
        session.certifier,
    )
    assert log.status == EmailStatus.SENT and log.error == ""
    assert log.recipient == slot.candidacy.candidate.email
    assert log.subject == "Convocation : épreuve E1 le 15/12/2026 à 09:00"
    assert log.body == mail.outbox[0].body
    assert [a["name"] for a in log.attachments] == ["convocation.ics"]
    # The two panel members' convocations are logged on the session, without a candidacy.
    assert EmailLog.objects.filter(session=session, candidacy=None).count() == 2


def test_a_failed_send_is_logged_with_its_error_and_shown(session, personas, client, refused_smtp):
    summary = send_convocations(session, actor=personas["responsable_epreuves"])
    assert len(summary.failed) == 3
    slot = session.slots.get()
    log = EmailLog.objects.get(candidacy=slot.candidacy)
    assert log.status == EmailStatus.FAILED and "refused" in log.error.lower()
    assert slot.convoked_at is None  # the next call retries it
    client.force_login(personas["responsable_epreuves"])
    page = client.get(reverse("staff:candidacy", args=[slot.candidacy.pk])).content.decode()
    assert '<strong class="error">Échec</strong>' in page
    assert "Courriels envoyés au sujet de ce dossier" in page
    page = client.get(reverse("staff:session", args=[session.pk])).content.decode()
    assert page.count('<strong class="error">Échec</strong>') == 3


def test_resend_asks_confirmation_then_sends_again_audited(session, personas, client, settings):
    manager = personas["responsable_epreuves"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    send_convocations(session, actor=manager)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    slot = session.slots.get()
    failed = EmailLog.objects.get(candidacy=slot.candidacy)
    dossier = reverse("staff:candidacy", args=[slot.candidacy.pk])
    client.force_login(manager)
    url = reverse("staff:email_resend", args=[failed.pk])
    asked = client.post(url, {"suivant": dossier})
    assert asked.status_code == 200
    assert "Renvoyer ce courriel ?" in asked.content.decode()
    assert mail.outbox == [] and EmailLog.objects.count() == 3
    done = client.post(url, {"suivant": dossier, "confirmation": "oui"})
    assert done.status_code == 302 and done.url == dossier
    [message] = mail.outbox
    assert message.to == [failed.recipient] and message.subject == failed.subject
    assert message.attachments[0][0] == "convocation.ics"
    new = EmailLog.objects.get(resent_from=failed)
    assert (new.status, new.sent_by, new.candidacy) == (EmailStatus.SENT, manager, slot.candidacy)
    event = AuditEvent.objects.get(verb="email.resent")
    assert event.actor == manager and event.payload["resent_from"] == failed.pk
    # An address outside the site is never followed after the resend.
    away = client.post(url, {"suivant": "https://ailleurs.example/", "confirmation": "oui"})
    assert away.url == reverse("staff:emails")


def test_the_staff_list_filters_and_hides_other_certifiers(session, personas, client, clock):
    send_convocations(session, actor=personas["responsable_epreuves"])
    EmailLog.objects.filter(session=session, candidacy=None).update(
        status=EmailStatus.FAILED, error="Boîte pleine"
    )
    client.force_login(personas["administrateur"])
    page = client.get(reverse("staff:emails")).content.decode()
    assert page.count("Renvoyer le courriel") == 3
    assert 'aria-current="page">Courriels envoyés</a>' in page
    failed = client.get(reverse("staff:emails"), {"etat": "failed"}).content.decode()
    assert failed.count("Boîte pleine") == 2 and failed.count("Renvoyer le courriel") == 2
    none = client.get(reverse("staff:emails"), {"type": "decision"}).content.decode()
    assert "Aucun courriel envoyé." in none
    client.force_login(personas["admin_autre_certificateur"])
    assert "Aucun courriel envoyé." in client.get(reverse("staff:emails")).content.decode()


def test_erasure_and_retention_cover_the_log(session, personas, clock):
    send_convocations(session, actor=personas["responsable_epreuves"])
    candidate = session.slots.get().candidacy.candidate
    report = erase_candidate(candidate, actor=personas["administrateur"])
    assert report.emails == 1
    erased = EmailLog.objects.get(candidacy__candidate=candidate)
    assert (erased.recipient, erased.body, erased.attachments) == ("", "", [])
    assert erased.kind == EmailKind.CONVOCATION  # that something was sent stays
    later = timezone.now() + timedelta(days=366)
    assert apply_retention(now=later, dry_run=True).emails == 3
    assert EmailLog.objects.count() == 3
    apply_retention(now=later)
    assert not EmailLog.objects.exists()
