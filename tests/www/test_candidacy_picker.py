"""The bounded candidacy picker (acquis/www/bounded.py) of the slot form and of the
deliberation's « add a candidate » form: a select while the allowed candidacies are few, a
search beyond; the page runs the same queries with 2 or 202 of them; a posted candidacy
outside the allowed ones is refused with a French error and nothing is saved."""

import re

import pytest
from django.urls import reverse

from acquis import search
from acquis.candidates import services as candidate_services
from acquis.candidates.enums import CandidacyStatus
from acquis.candidates.models import Candidacy
from acquis.juries.models import Deliberation
from acquis.www.bounded import MAX_OPTIONS, PICKED
from tests import evaluation_factories as ef
from tests import factories
from tests.juries import factories as jf
from tests.www.test_list_scaling import MANY, _assert_bounded, _copies, _login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def _awaiting(version):
    candidacy = factories.candidacy(version, started=True)
    candidate_services.move_candidacy(
        candidacy, CandidacyStatus.AWAITING_JURY, override_reason=jf.DEROGATION
    )
    return candidacy


def _grower(first, count=MANY, name="Martin"):
    """`grow()` adds `count` copies of `first` (same status), their candidates named
    Martin000…Martin199 (bulk_create bypasses save(): the search text is folded here)."""
    person = first.candidate

    def copy(i):
        row = {"birth_name": f"{name}{i:03d}", "identity_key": f"{name.lower()}{i:03d}"}
        fields = {name: getattr(person, name) for name in person.SEARCHED_FIELDS}
        return row | {"search_text": search.normalise(*(fields | row).values())}

    def grow():
        people = _copies(person, count, copy)
        _copies(first, count, lambda i: {"candidate_id": people[i].pk})

    return grow


@pytest.fixture
def awaiting_jury(ops_version):
    """Two candidacies awaiting the jury; `grow` adds MANY more."""
    first = _awaiting(ops_version)
    _awaiting(ops_version)
    return _grower(first)


def _prepared(version):
    return jf.deliberation(version, opened=False, title="Jury de juin")


def test_deliberation_page_offers_a_select_then_a_bounded_search(
    client, personas, ops_version, awaiting_jury
):
    deliberation = _prepared(ops_version)
    _login(client, personas["responsable_epreuves"])
    url = reverse("staff:deliberation", args=[deliberation.pk])
    few = client.get(url).content.decode()
    # Few candidacies: a select of every one, no search, no script.
    assert '<select name="candidacy"' in few and "htmx.min.js" not in few
    select = re.search(r'<select name="candidacy".*?</select>', few, re.S).group()
    assert select.count("<option") == 2 + 1  # the empty choice, then the two candidacies
    _assert_bounded(client, url, awaiting_jury)
    html = client.get(url).content.decode()
    assert '<select name="candidacy"' not in html
    assert html.count('name="candidacy"') == 20 and "précisez la recherche" in html
    assert 'for="id_candidat_candidacy_recherche"' in html and "htmx.min.js" in html
    assert 'role="region"' in html and 'aria-live="polite"' in html
    # Without JavaScript the search is a GET of the page.
    html = client.get(url + "?candidature=martin05").content.decode()
    assert html.count('name="candidacy"') == 10 and "MARTIN051" in html


def test_the_select_holds_fifty_candidacies_then_the_search_takes_over(
    client, personas, ops_version
):
    first = _awaiting(ops_version)
    _grower(first, count=MAX_OPTIONS - 1)()
    deliberation = _prepared(ops_version)
    _login(client, personas["responsable_epreuves"])
    url = reverse("staff:deliberation", args=[deliberation.pk])
    html = client.get(url).content.decode()
    select = re.search(r'<select name="candidacy".*?</select>', html, re.S).group()
    assert select.count("<option") == MAX_OPTIONS + 1
    _awaiting(ops_version)
    html = client.get(url).content.decode()
    assert '<select name="candidacy"' not in html
    assert html.count('name="candidacy"') == PICKED


def test_deliberation_search_endpoint_is_bounded_and_scoped(
    client, personas, ops_version, awaiting_jury
):
    deliberation = _prepared(ops_version)
    _login(client, personas["responsable_epreuves"])
    url = reverse("staff:deliberation_candidacies", args=[deliberation.pk]) + "?candidature=mar"
    _assert_bounded(client, url, awaiting_jury)
    html = client.get(url).content.decode()
    assert html.count('name="candidacy"') == 20 and "<legend>" in html
    html = client.get(url.replace("mar", "MÀRTIN123")).content.decode()
    assert html.count('name="candidacy"') == 1 and "MARTIN123" in html
    # A candidacy number finds that candidacy, as on the candidacy list.
    found = Candidacy.objects.get(candidate__birth_name="Martin007")
    html = client.get(url.replace("mar", f"n°{found.pk}")).content.decode()
    assert html.count('name="candidacy"') == 1 and "MARTIN007" in html
    # Only candidacies that could join this list: one on another open list is not offered.
    jf.deliberation(ops_version, [found], opened=False, title="Jury de mai")
    html = client.get(url.replace("mar", "martin007")).content.decode()
    assert "Aucune candidature proposée ne correspond à « martin007 »" in html
    # The choice already made stays offered, and checked, whatever the new search finds.
    kept = Candidacy.objects.get(candidate__birth_name="Martin008")
    html = client.get(url.replace("mar", "zzz") + f"&candidacy={kept.pk}").content.decode()
    assert html.count('name="candidacy"') == 1 and html.count("checked") == 1
    html = client.get(url.replace("mar", "zzz") + "&candidacy=" + "9" * 25).content.decode()
    assert "Aucune candidature proposée ne correspond à « zzz »" in html


def test_a_candidate_found_by_search_joins_the_list(client, personas, ops_version, awaiting_jury):
    deliberation = _prepared(ops_version)
    awaiting_jury()
    chosen = Candidacy.objects.get(candidate__birth_name="Martin042")
    _login(client, personas["responsable_epreuves"])
    url = reverse("staff:deliberation_action", args=[deliberation.pk, "candidat"])
    response = client.post(url, {"candidacy": chosen.pk})
    assert response.status_code == 302
    assert deliberation.entries.filter(candidacy=chosen).exists()


@pytest.mark.parametrize("many", [False, True], ids=["select", "recherche"])
def test_a_candidacy_outside_the_list_is_refused(client, personas, ops_version, many):
    first = _awaiting(ops_version)
    if many:
        _grower(first)()
    deliberation = _prepared(ops_version)
    elsewhere = _prepared(ops_version)
    jf.deliberation(ops_version, [first], opened=False, title="Jury de mai")
    not_awaiting = factories.candidacy(ops_version, started=True)
    _login(client, personas["responsable_epreuves"])
    url = reverse("staff:deliberation_action", args=[deliberation.pk, "candidat"])
    for pk in (first.pk, not_awaiting.pk, 999_999, "9" * 25, "abc"):
        response = client.post(url, {"candidacy": pk})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Candidature introuvable ou pas en attente de ce jury" in html
        assert 'id="id_candidat_candidacy_error"' in html
    assert not Deliberation.objects.get(pk=deliberation.pk).entries.exists()
    assert not elsewhere.entries.exists()


@pytest.mark.parametrize("many", [False, True], ids=["select", "recherche"])
def test_a_slot_for_a_candidacy_outside_the_session_is_refused(client, personas, ops_version, many):
    session = ef.session(ops_version)
    first = ef.started_candidacy(ops_version)
    if many:
        _grower(first)()
    not_started = factories.candidacy(ops_version, started=False)
    _login(client, personas["responsable_epreuves"])
    url = reverse("staff:session_action", args=[session.pk, "creneau"])
    data = {
        "assessment": session.version.assessments.get(code="E1").pk,
        "start": "09:00",
        "duration_minutes": "60",
        "room": "",
    }
    for pk in (not_started.pk, 999_999):
        html = client.post(url, data | {"candidacy": pk}).content.decode()
        assert "Candidature introuvable ou non convocable dans cette session" in html
        assert re.search(r'id="id_creneau_candidacy_error"', html)
    assert not session.slots.exists()
