"""With more candidacies than a select should hold, the exam manager finds one by typing part
of her name in the slot form, picks her by keyboard and adds the slot (Chromium, axe-core)."""

import pytest
from playwright.sync_api import expect

from acquis import search
from acquis.evaluations.models import Slot
from acquis.www.bounded import MAX_OPTIONS
from tests import evaluation_factories as ef
from tests import factories
from tests.browser.conftest import assert_accessible, second_factor
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _many_convocable(version, count):
    """`count` convocable candidacies copied in bulk from one made by the services."""
    first = ef.started_candidacy(version)
    person = first.candidate
    people = []
    for i in range(count):
        copy = type(person)(
            **{f.attname: getattr(person, f.attname) for f in person._meta.concrete_fields}
        )
        copy.pk = None
        copy.birth_name, copy.identity_key = f"Martin{i:03d}", f"martin{i:03d}"
        copy.search_text = search.normalise(*(getattr(copy, name) for name in copy.SEARCHED_FIELDS))
        people.append(copy)
    people = type(person).objects.bulk_create(people)
    candidacies = []
    for copied in people:
        row = type(first)(
            **{f.attname: getattr(first, f.attname) for f in first._meta.concrete_fields}
        )
        row.pk, row.candidate_id = None, copied.pk
        candidacies.append(row)
    type(first).objects.bulk_create(candidacies)


def test_find_a_candidacy_by_name_and_pick_it_by_keyboard(page, live_server, personas, ops_version):
    session = ef.session(ops_version, title="Session de décembre")
    _many_convocable(ops_version, MAX_OPTIONS + 10)
    person = factories.candidate(ops_version.certification.owner, birth_name="Zéphyrine")
    chosen = factories.candidacy(ops_version, person=person, started=True)
    label = f"{person.full_name} — {chosen.get_pathway_display()}"

    page.goto(f"{live_server.url}/gestion/sessions/{session.pk}/")
    page.get_by_label("Adresse électronique").fill(personas["responsable_epreuves"].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, personas["responsable_epreuves"].email)
    page.get_by_role("heading", name="Session de décembre").wait_for()
    # Too many to list: a search, its first matches offered below it.
    expect(page.locator("select[name=candidacy]")).to_have_count(0)
    expect(page.locator("input[name=candidacy]")).to_have_count(20)
    assert_accessible(page)

    page.get_by_role("combobox", name="Épreuve").select_option(label="E1 — Information collective")
    box = page.get_by_label("Rechercher la candidature")
    box.focus()
    with page.expect_response(lambda response: "/candidatures/" in response.url):
        page.keyboard.type("zephy", delay=30)  # no accent, lower case: found all the same
    results = page.get_by_role("region", name="Candidatures trouvées")
    expect(results.locator("input[name=candidacy]")).to_have_count(1)
    assert results.get_attribute("aria-live") == "polite"
    # The keyboard only: past the « Chercher » button to the result, checked by Space.
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Chercher")).to_be_focused()
    page.keyboard.press("Tab")
    radio = page.get_by_role("radio", name=label)
    expect(radio).to_be_focused()
    page.keyboard.press("Space")
    expect(radio).to_be_checked()
    assert_accessible(page)

    page.get_by_label("Heure de début").fill("09:00")
    page.get_by_label("Durée prévue (minutes)").fill("60")
    page.get_by_role("button", name="Ajouter le créneau").click()
    page.get_by_text(f"Créneau ajouté : E1 de {person.full_name}").wait_for()
    assert_accessible(page)
    assert Slot.objects.get(session=session).candidacy_id == chosen.pk
