"""The exam manager registers a candidate and follows the training dossier (Chromium)."""

import pytest

from tests.browser.conftest import assert_accessible, second_factor
from tests.conftest import PASSWORD
from tests.factories import MINIMAL_PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_a_candidate_and_follow_the_dossier(
    page, live_server, personas, ops_version, tmp_path
):
    page.goto(live_server.url + "/gestion/candidats/nouveau/")
    page.get_by_label("Adresse électronique").fill(personas["responsable_epreuves"].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, personas["responsable_epreuves"].email)
    page.get_by_role("heading", name="Nouveau candidat").wait_for()
    assert_accessible(page)
    page.get_by_label("Nom de naissance").fill("Moreau")
    page.get_by_label("Premier prénom").fill("Inès")
    page.get_by_label("Sexe (état civil)").select_option("F")
    page.get_by_label("Date de naissance").fill("1992-04-17")
    page.get_by_label("Code INSEE de la commune de naissance").fill("6912")
    page.get_by_role("button", name="Enregistrer").click()
    error = page.locator("#id_birth_insee_code_error")
    assert "5 caractères" in error.inner_text()
    # The error summary takes the focus; its link leads to the field.
    summary = page.locator("[data-error-summary]")
    assert summary.evaluate("node => node === document.activeElement")
    summary.get_by_role("link", name="Code INSEE de la commune de naissance").click()
    assert page.locator("#id_birth_insee_code").evaluate("node => node === document.activeElement")
    assert_accessible(page)
    page.get_by_label("Code INSEE de la commune de naissance").fill("69123")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("link", name="Inscrire à une certification").click()
    page.get_by_label("Voie d'accès").select_option("training")
    page.get_by_label("Modalité d'accès (déclaration nationale)").select_option(
        "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION"
    )
    page.get_by_role("button", name="Inscrire").click()
    page.get_by_role("heading", name="Dossier de MOREAU Inès").wait_for()
    page.get_by_role("button", name="Démarrer le parcours").click()
    assert page.locator("#etat-candidature").inner_text() == "En formation / en évaluation"
    page.get_by_label("Structure d'accueil").fill("Mission locale de Lyon")
    page.get_by_label("Poste occupé").fill("Conseillère en insertion")
    page.locator("#id_tutor_name").fill("M. Roux")
    page.get_by_role("button", name="Enregistrer la structure").click()
    page.get_by_label("Du", exact=True).fill("2026-03-02")
    page.get_by_label("Au", exact=True).fill("2026-04-17")
    page.get_by_label("Jours travaillés").fill("29")
    page.get_by_role("button", name="Ajouter la période").click()
    assert page.get_by_text("29 jour(s) sur 29 exigés").is_visible()
    memoir = tmp_path / "memoire.pdf"
    memoir.write_bytes(MINIMAL_PDF)
    page.get_by_label("Mémoire (PDF, DOCX ou ODT)").set_input_files(str(memoir))
    page.get_by_role("button", name="Déposer le mémoire").click()
    page.get_by_role("button", name="Confirmer la partie M1").click()
    assert page.get_by_text("Partie du mémoire confirmée.").is_visible()
    assert_accessible(page)
