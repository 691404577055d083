"""The candidate confirms her presence on her convocation page (test client); the staff
session page says per slot whether she did. The clock is frozen (`clock`, 9 December 2026)."""

from datetime import date
from html import unescape

import pytest
from django.urls import reverse

from acquis.candidates.portal import give_portal_access
from acquis.evaluations import planning, services
from acquis.evaluations.convocations import send_convocations
from tests import evaluation_factories as ef
from tests import factories
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 15)
BUTTON = "Je confirme ma présence"


@pytest.fixture
def convoked(clock, personas, certifier, ops_version):
    """The candidate persona convoked to E1 on the 15th at 09:00; someone else at 11:00."""
    person = factories.candidate(
        certifier, birth_name="Martin", first_name="Léa", email=personas["candidat"].email
    )
    give_portal_access(person, actor=personas["administrateur"])
    candidacy = factories.candidacy(ops_version, person=person, started=True)
    session = ef.session(ops_version, on=DAY)
    mine = ef.slot(session, candidacy, "E1", "09:00", minutes=60)
    theirs = ef.slot(session, ef.started_candidacy(ops_version), "E1", "11:00", minutes=60)
    services.confirm_panel(session)
    send_convocations(session, actor=personas["responsable_epreuves"])
    return session, mine, theirs


def _login(client, user):
    assert client.login(email=user.email, password=PASSWORD)


def _page(client, slot) -> str:
    response = client.get(reverse("candidate:convocation", args=[slot.pk]))
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_the_candidate_confirms_on_her_convocation_page(client, personas, convoked):
    session, mine, theirs = convoked
    _login(client, personas["candidat"])
    html = _page(client, mine)
    url = reverse("candidate:convocation_confirm", args=[mine.pk])
    assert f'action="{url}"' in html and BUTTON in html
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("candidate:convocation", args=[mine.pk])
    html = unescape(response.content.decode())
    assert "Votre présence est confirmée. Merci." in html
    assert "Présence confirmée" in html and BUTTON not in html
    mine.refresh_from_db()
    assert mine.presence_confirmed_at is not None
    # Twice: said, nothing changed.
    html = unescape(client.post(url, follow=True).content.decode())
    assert "Votre présence était déjà confirmée." in html
    # Someone else's slot stays hidden, and unconfirmed.
    other = reverse("candidate:convocation_confirm", args=[theirs.pk])
    assert client.post(other).status_code == 404
    theirs.refresh_from_db()
    assert theirs.presence_confirmed_at is None


def test_the_staff_session_page_shows_who_confirmed(client, personas, convoked):
    session, mine, theirs = convoked
    _login(client, personas["candidat"])
    client.post(reverse("candidate:convocation_confirm", args=[mine.pk]))
    client.logout()
    _login(client, personas["responsable_epreuves"])
    response = client.get(reverse("staff:session", args=[session.pk]))
    html = unescape(response.content.decode())
    assert '<th scope="col">Présence</th>' in html
    assert "Présence confirmée le 09/12/2026 à 10:00" in html
    assert html.count("Non confirmée") == 1


def test_no_button_once_the_sitting_has_begun(client, personas, convoked, monkeypatch):
    session, mine, theirs = convoked
    started = ef.at(DAY, "09:05")
    monkeypatch.setattr("django.utils.timezone.now", lambda: started)
    _login(client, personas["candidat"])
    html = _page(client, mine)
    assert BUTTON not in html and "Présence non confirmée." in html
    response = client.post(reverse("candidate:convocation_confirm", args=[mine.pk]), follow=True)
    html = unescape(response.content.decode())
    assert "l'épreuve a déjà commencé ou est passée" in html
    mine.refresh_from_db()
    assert mine.presence_confirmed_at is None


def test_a_cancelled_slot_cannot_be_confirmed(client, personas, convoked):
    session, mine, theirs = convoked
    planning.cancel_slot(mine, reason="Désistement", actor=personas["responsable_epreuves"])
    _login(client, personas["candidat"])
    # A cancelled slot leaves her convocations: 404, nothing written.
    assert client.post(reverse("candidate:convocation_confirm", args=[mine.pk])).status_code == 404
    mine.refresh_from_db()
    assert mine.presence_confirmed_at is None
