"""A big candidacy XLSX (the threshold set low here) is prepared in the background: the
staff launch it from the list, a real database worker writes it while htmx updates the
progress in place, then « Télécharger » gives the file (Chromium, axe-core)."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from acquis.candidates import services
from tests import factories
from tests.browser.conftest import assert_accessible
from tests.browser.test_batch_journey import start_worker
from tests.browser.test_signing_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_launch_a_background_export_and_download_it(
    page, live_server, personas, ops_version, certifier, settings
):
    settings.ACQUIS_EXPORT_BACKGROUND_ROWS = 2
    cohort = services.create_cohort(certifier=certifier, version=ops_version, name="Promo")
    for name in ["Martin", "Nguyen", "Dupont"]:
        person = factories.candidate(certifier, birth_name=name)
        factories.candidacy(ops_version, cohort=cohort, person=person)
    log_in(page, live_server.url, personas["responsable_epreuves"].email, "/gestion/candidatures/")
    page.get_by_role("link", name="tableur (XLSX)").click()
    page.get_by_role("heading", name="Export des candidatures (XLSX)").wait_for()
    assert "3 candidatures : le classeur sera préparé en arrière-plan" in page.content()
    assert_accessible(page)

    button = page.get_by_role("button", name="Préparer le classeur")
    button.focus()
    page.keyboard.press("Enter")
    status = page.locator("#export-statut")
    expect(status).to_contain_text("En attente d'un processus de traitement")
    bar = page.locator("#export-progression")
    assert bar.get_attribute("value") == "0" and bar.get_attribute("max") == "3"
    assert_accessible(page)
    page.evaluate("window.sansRechargement = true")

    thread = start_worker()
    expect(status).to_contain_text("Prêt depuis le", timeout=60000)
    thread.join(timeout=30)
    assert page.evaluate("window.sansRechargement === true")  # updated in place by htmx
    assert bar.get_attribute("value") == "3"
    assert "3 / 3 lignes écrites" in page.locator("#export-libelle").inner_text()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger").click()
    assert download.value.suggested_filename.startswith("candidatures-")
    with open(download.value.path(), "rb") as saved:  # a temporary name without extension
        sheet = load_workbook(saved).active
    names = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert names == ["Dupont", "Martin", "Nguyen"]
