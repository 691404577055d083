"""Staff see who has not been notified of a signed decision and send again what failed."""

import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from acquis.juries.models import Decision
from tests.conftest import PASSWORD
from tests.juries import factories as jf
from tests.www.test_credential_pages import messages_of

pytestmark = pytest.mark.django_db


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("serveur indisponible")


@pytest.fixture
def signed_with_failed_email(settings, ops_version, django_capture_on_commit_callbacks):
    candidacy = jf.ready_candidacy(ops_version)
    settings.EMAIL_BACKEND = "tests.www.test_minutes_notify_pages.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        deliberation = jf.decided_and_signed(ops_version, [candidacy])
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return deliberation, candidacy


def test_a_failed_email_is_shown_and_sent_again(
    client, personas, signed_with_failed_email, mailoutbox
):
    deliberation, candidacy = signed_with_failed_email
    decision = Decision.objects.get(deliberation=deliberation)
    assert decision.notified_at is None
    assert client.login(email=personas["responsable_epreuves"].email, password=PASSWORD)
    url = reverse("staff:minutes", args=[deliberation.pk])
    page = client.get(url).content.decode()
    assert "1 candidat n'a pas reçu le courriel de décision" in page
    assert candidacy.candidate.full_name in page
    response = client.post(reverse("staff:minutes_notify", args=[deliberation.pk]))
    assert response.status_code == 302 and response.url == url
    assert messages_of(response) == [
        f"Décision notifiée par courriel à : {candidacy.candidate.full_name}"
    ]
    assert len(mailoutbox) == 1
    decision.refresh_from_db()
    assert decision.notified_at is not None
    assert "Chaque candidat a été notifié" in client.get(url).content.decode()
    again = client.post(reverse("staff:minutes_notify", args=[deliberation.pk]))
    assert messages_of(again) == ["Tous les candidats ont déjà été notifiés."]
    assert len(mailoutbox) == 1  # nothing sent twice


def test_still_failing_says_so(client, personas, signed_with_failed_email, settings):
    deliberation, candidacy = signed_with_failed_email
    settings.EMAIL_BACKEND = "tests.www.test_minutes_notify_pages.FailingBackend"
    assert client.login(email=personas["administrateur"].email, password=PASSWORD)
    response = client.post(reverse("staff:minutes_notify", args=[deliberation.pk]))
    assert messages_of(response) == [
        f"Envoi impossible pour : {candidacy.candidate.full_name}. Réessayez plus tard."
    ]
    assert Decision.objects.get(deliberation=deliberation).notified_at is None


def test_an_unsigned_deliberation_notifies_nobody(client, personas, ops_version):
    candidacy = jf.ready_candidacy(ops_version)
    deliberation = jf.deliberation(ops_version, [candidacy])
    assert client.login(email=personas["administrateur"].email, password=PASSWORD)
    response = client.post(reverse("staff:minutes_notify", args=[deliberation.pk]))
    assert messages_of(response) == [
        "Les décisions ne sont notifiées aux candidats qu'une fois le procès-verbal signé."
    ]


def test_another_certifier_gets_404(client, personas, signed_with_failed_email):
    deliberation, _ = signed_with_failed_email
    assert client.login(email=personas["admin_autre_certificateur"].email, password=PASSWORD)
    response = client.post(reverse("staff:minutes_notify", args=[deliberation.pk]))
    assert response.status_code == 404
