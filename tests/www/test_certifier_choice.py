"""« Certificateur »: a staff user of several certifiers chooses the one they work for; what
they create belongs to it, and nothing is created before the choice."""

import html
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from acquis.audit.models import AuditEvent
from acquis.candidates.models import Candidate, Cohort
from acquis.evaluations.models import EvaluationSession
from acquis.integrations.models import ApiClient
from acquis.organisations.enums import Role
from acquis.organisations.scope import NOT_CHOSEN
from acquis.organisations.services import grant_role
from acquis.www.staff.access import CURRENT_CERTIFIER_KEY
from tests.conftest import PASSWORD
from tests.www.test_candidate_pages import IDENTITY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

CHOICE = reverse("staff:certifier_choice")
CHOSEN = "organisation.certifier_chosen"


@pytest.fixture
def both_client(client, personas, other_certifier):
    """The administrator of OPS Conseil, also exam manager of the other certifier."""
    grant_role(personas["administrateur"], other_certifier, Role.EXAM_MANAGER)
    assert client.login(email=personas["administrateur"].email, password=PASSWORD)
    return client


def _choose(client, certifier, **extra):
    return client.post(CHOICE, {"certifier": certifier.pk, **extra})


def test_the_page_lists_only_ones_certifiers(both_client, certifier, other_certifier, client):
    page = both_client.get(CHOICE).content.decode()
    assert "OPS Conseil" in page and "Autre Certificateur" in page
    assert "Aucun certificateur choisi" in page


def test_a_staff_of_one_certifier_has_it_implicitly(client, personas, certifier, other_certifier):
    assert client.login(email=personas["responsable_epreuves"].email, password=PASSWORD)
    page = client.get(CHOICE).content.decode()
    assert "Certificateur actuel : <strong>OPS Conseil</strong>" in page
    assert "Autre Certificateur" not in page


def test_choosing_is_kept_in_the_session_and_audited(both_client, other_certifier):
    response = _choose(both_client, other_certifier, suivant=reverse("staff:cohorts"))
    assert response.url == reverse("staff:cohorts")
    assert both_client.session[CURRENT_CERTIFIER_KEY] == other_certifier.pk
    assert AuditEvent.objects.filter(verb=CHOSEN, to_state=str(other_certifier.pk)).count() == 1
    menu = both_client.get(reverse("staff:dashboard")).content.decode()
    assert "Pour Autre Certificateur" in menu
    # A foreign address to go on to is ignored.
    assert _choose(both_client, other_certifier, suivant="https://ailleurs.example/").url == (
        reverse("staff:dashboard")
    )


def test_choosing_another_certifier_is_refused_and_changes_nothing(
    client, personas, other_certifier
):
    assert client.login(email=personas["responsable_epreuves"].email, password=PASSWORD)
    assert _choose(client, other_certifier).status_code == 404
    assert client.post(CHOICE, {"certifier": "999999"}).status_code == 404
    assert CURRENT_CERTIFIER_KEY not in client.session
    assert not AuditEvent.objects.filter(verb=CHOSEN).exists()


def test_an_empty_choice_is_refused_with_a_message(both_client):
    response = both_client.post(CHOICE, {})
    assert response.status_code == 400
    assert "Certificateur : choisissez-en un dans la liste." in response.content.decode()
    assert not AuditEvent.objects.filter(verb=CHOSEN).exists()


def test_creating_before_choosing_redirects_and_writes_nothing(both_client, ops_version):
    events = AuditEvent.objects.count()
    response = both_client.post(reverse("staff:candidate_new"), IDENTITY)
    assert response.status_code == 302
    assert response.url == CHOICE
    response = both_client.get(response.url)
    assert NOT_CHOSEN in html.unescape(response.content.decode())
    # The candidate form itself (a page that only creates) sends there too.
    new = reverse("staff:candidate_new")
    assert both_client.get(new).url == f"{CHOICE}?{urlencode({'suivant': new})}"
    cohort = {"version": ops_version.pk, "name": "Printemps"}
    assert both_client.post(reverse("staff:cohorts"), cohort).url.startswith(CHOICE)
    session = {"version": ops_version.pk, "title": "Session", "on": "2027-01-12", "place": "Lyon"}
    assert both_client.post(reverse("staff:sessions"), session).url.startswith(CHOICE)
    # A POST-only action goes back to the page its form was on, not to itself.
    response = both_client.post(
        reverse("staff:accrochage_export"),
        headers={"referer": "http://testserver/gestion/accrochage/"},
    )
    assert response.url == CHOICE + "?suivant=%2Fgestion%2Faccrochage%2F"
    assert both_client.post(reverse("staff:accrochage_export")).url == CHOICE
    # Lists stay open, over every certifier of the user.
    assert both_client.get(reverse("staff:cohorts")).status_code == 200
    assert both_client.get(reverse("staff:jurors")).status_code == 200
    assert not Candidate.objects.exists()
    assert not Cohort.objects.exists()
    assert not EvaluationSession.objects.exists()
    assert AuditEvent.objects.count() == events


def test_after_choosing_things_are_created_for_that_certifier(
    both_client, ops_version, other_certifier
):
    _choose(both_client, other_certifier)
    response = both_client.post(reverse("staff:candidate_new"), IDENTITY)
    assert Candidate.objects.get().certifier == other_certifier
    assert response.url == reverse("staff:candidate", args=[Candidate.objects.get().pk])
    both_client.post(reverse("staff:cohorts"), {"version": ops_version.pk, "name": "Printemps"})
    assert Cohort.objects.get().certifier == other_certifier
    # Their list shows every certifier's promotions, each naming its certifier.
    page = both_client.get(reverse("staff:cohorts")).content.decode()
    assert '<th scope="col">Certificateur</th>' in page
    assert "<td>Autre Certificateur</td>" in page


def test_a_staff_of_one_certifier_creates_without_choosing(client, personas, certifier):
    assert client.login(email=personas["responsable_epreuves"].email, password=PASSWORD)
    client.post(reverse("staff:candidate_new"), IDENTITY)
    assert Candidate.objects.get().certifier == certifier


def test_an_api_client_without_partner_belongs_to_the_chosen_administered_certifier(
    both_client, personas, certifier, other_certifier
):
    data = {"name": "Outil interne", "scopes": ["candidacies:read"]}
    url = reverse("staff:api_client_create")
    assert both_client.post(url, data).url.startswith(CHOICE)
    # Exam manager only of the other certifier: they do not create its clients.
    _choose(both_client, other_certifier)
    response = both_client.post(url, data)
    assert "Vous n'administrez pas le certificateur" in html.unescape(response.content.decode())
    assert not ApiClient.objects.exists()
    _choose(both_client, certifier)
    both_client.post(url, data)
    assert ApiClient.objects.get().certifier == certifier
