"""Staff search the candidacy list without accents, sort it by a column and filter it by
state, with the keyboard (Chromium, axe-core)."""

import pytest

from acquis.candidates import services
from tests import factories
from tests.browser.conftest import assert_accessible, second_factor
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def candidacies(ops_version):
    certifier = ops_version.certification.owner
    lefevre = factories.candidacy(
        ops_version,
        person=factories.candidate(certifier, birth_name="LEFÈVRE", first_name="Inès"),
    )
    lefevre_2 = factories.candidacy(
        ops_version,
        person=factories.candidate(certifier, birth_name="Lefevre", first_name="Bruno"),
        started=True,
    )
    factories.candidacy(
        ops_version, person=factories.candidate(certifier, birth_name="Martin", first_name="Léa")
    )
    services.move_candidacy(lefevre_2, "withdrawn", reason="Déménagement")
    return lefevre, lefevre_2


def test_staff_find_sort_and_filter_candidacies(page, live_server, personas, candidacies):
    admin = personas["administrateur"]
    # The machine running the suite may be loaded: a page gets a minute, not 15 s.
    page.set_default_timeout(60000)
    page.set_default_navigation_timeout(60000)
    page.goto(live_server.url + "/gestion/candidatures/")
    page.get_by_label("Adresse électronique").fill(admin.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, admin.email)
    page.get_by_role("heading", level=1, name="Candidatures").wait_for()

    search = page.get_by_role("searchbox", name="Rechercher")
    search.fill("lefevre")
    search.press("Enter")
    page.wait_for_url("**q=lefevre**")
    table = page.locator("table.table")
    assert table.locator("caption").inner_text() == "2 candidature(s)"
    rows = table.locator("tbody tr")
    assert "LEFÈVRE Inès" in rows.nth(0).inner_text()
    assert "LEFEVRE Bruno" in rows.nth(1).inner_text()
    assert "MARTIN" not in table.inner_text()
    assert_accessible(page)

    # Sort by the first name's column, descending, from the keyboard: the header link is
    # reachable with Tab and followed with Enter; the search stays.
    header = page.get_by_role("link", name="Candidat", exact=True)
    header.focus()
    header.press("Enter")
    page.wait_for_url("**tri=nom**")
    assert page.locator("th[aria-sort='ascending']").inner_text().startswith("Candidat")
    header.press("Enter")
    page.wait_for_url("**tri=-nom**")
    assert page.locator("th[aria-sort='descending']").inner_text().startswith("Candidat")
    assert "LEFEVRE Bruno" in rows.nth(0).inner_text()
    assert search.input_value() == "lefevre"

    # Filter by state: the sort and the search are kept.
    page.get_by_label("État").select_option(label="Désisté")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**etat=withdrawn**")
    assert "tri=-nom" in page.url and "q=lefevre" in page.url
    assert table.locator("caption").inner_text() == "1 candidature(s)"
    assert "LEFEVRE Bruno" in rows.nth(0).inner_text()
    assert_accessible(page)
