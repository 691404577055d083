"""The exam manager opens the statistics from the staff navigation with the keyboard,
filters by year and pathway, reads a block's success rate in the table under its chart,
then mistypes a year and reads the French error; axe-core on every screen (Chromium)."""

import re
from datetime import date

import pytest

from acquis.juries.enums import JuryKind
from tests.browser.conftest import assert_accessible, second_factor
from tests.conftest import PASSWORD
from tests.juries import factories as jf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_statistics_from_the_nav_filtered_by_year_and_pathway(
    page, live_server, personas, ops_version
):
    # 2025: a total and a partial validation (B3 not acquired); 2026: a VAE partial one.
    total = jf.ready_candidacy(ops_version)
    partial = jf.ready_candidacy(ops_version, not_acquired=("C3.2.1",))
    jf.decided_and_signed(ops_version, [total, partial], on=date(2025, 6, 16))
    vae = jf.ready_candidacy(ops_version, vae=True, not_acquired=("C3.2.1",))
    jf.decided_and_signed(ops_version, [vae], on=date(2026, 3, 9), kind=JuryKind.VAE)

    page.goto(live_server.url + "/gestion/")
    page.get_by_label("Adresse électronique").fill(personas["responsable_epreuves"].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, personas["responsable_epreuves"].email)
    page.get_by_role("navigation", name="Gestion").wait_for()
    for _ in range(60):  # Tab through the page to the nav link, then Enter
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Statistiques":
            break
    else:
        pytest.fail("Le lien « Statistiques » n'est pas atteignable au clavier.")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Statistiques", exact=True).wait_for()
    assert page.url.endswith("/gestion/statistiques/")
    figures = page.locator(".key-figures")
    assert "Décisions en vigueur\n3" in figures.inner_text()
    chart = page.get_by_role("img", name=re.compile("^Taux de réussite par bloc"))
    assert chart.count() == 1
    assert_accessible(page)

    page.get_by_label("Voie d'accès", exact=True).select_option(label="Formation")
    page.get_by_label("Année de délibération", exact=True).fill("2025")
    page.get_by_label("Année de délibération", exact=True).press("Enter")  # submits the GET form
    page.get_by_text("Filtres appliqués : Période : du 01/01/2025 au 31/12/2025").wait_for()
    assert "voie=training" in page.url and "annee=2025" in page.url
    blocks = page.get_by_role("table", name="Réussite par bloc de compétences")
    b3 = blocks.get_by_role("row", name=re.compile(r"^B3 "))
    assert b3.get_by_role("cell").last.inner_text() == "50,0\xa0%"  # the total only
    pathways = page.get_by_role("table", name="Réussite par voie d'accès")
    assert [r.inner_text().split("\t")[0] for r in pathways.locator("tbody tr").all()] == [
        "Formation"
    ]
    for kind in ("classeur XLSX", "archive ZIP"):
        export = page.get_by_role("link", name=re.compile(rf"^Exporter ces tableaux \({kind}"))
        assert "annee=2025" in export.get_attribute("href")
    assert_accessible(page)

    page.get_by_label("Année de délibération", exact=True).fill("25")
    page.get_by_role("button", name="Afficher").click()
    alert = page.get_by_role("alert")
    assert "Année de délibération : saisissez une année sur quatre chiffres" in alert.inner_text()
    assert page.locator(".key-figures").count() == 0
    assert_accessible(page)
