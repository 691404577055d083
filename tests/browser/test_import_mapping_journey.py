"""The exam manager imports a file whose columns are named their own way: maps them once
with the selects, sends the file again, and the next file is mapped by itself (Chromium)."""

import pytest

from acquis.candidates.models import Candidacy
from acquis.candidates.services import create_cohort
from tests.browser.conftest import assert_accessible, second_factor
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "Nom de naissance;Prénom;Sexe;Né(e) le;Code commune;Voie"
CHOICES = {
    "nom_naissance": "Nom de naissance",
    "prenom1": "Prénom",
    "sexe": "Sexe",
    "date_naissance": "Né(e) le",
    "code_insee_naissance": "Code commune",
    "voie": "Voie",
}


def test_the_exam_manager_maps_the_columns_once(
    page, live_server, personas, ops_version, certifier, tmp_path
):
    cohort = create_cohort(certifier=certifier, version=ops_version, name="Promotion été")
    first = tmp_path / "inscrits.csv"
    first.write_text(f"{HEADER}\nMartin;Camille;F;14/03/1990;69123;libre\n", encoding="utf-8")
    second = tmp_path / "inscrits-2.csv"
    second.write_text(f"{HEADER}\nNguyen;Linh;F;02/02/1988;75056;libre\n", encoding="utf-8")

    page.goto(f"{live_server.url}/gestion/promotions/{cohort.pk}/import/")
    page.get_by_label("Adresse électronique").fill(personas["responsable_epreuves"].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, personas["responsable_epreuves"].email)
    page.get_by_label("Fichier des candidats").set_input_files(first)
    page.get_by_role("button", name="Vérifier et importer").click()

    page.get_by_role("heading", level=1, name="Correspondance des colonnes").wait_for()
    assert_accessible(page)
    # Forgetting the pathway: the error names the field, nothing is saved.
    # (the page preselects the file's "Voie" for "voie": the same name once folded)
    for column, header in CHOICES.items():
        if column != "voie":
            page.get_by_label(column, exact=True).select_option(header)
    page.get_by_label("voie", exact=True).select_option(index=0)  # the blank choice
    page.get_by_role("button", name="Enregistrer la correspondance").click()
    page.get_by_role("alert").wait_for()
    assert "voie : choisissez la colonne du fichier" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    page.get_by_label("voie", exact=True).select_option("Voie")
    page.get_by_role("button", name="Enregistrer la correspondance").click()

    page.get_by_role("heading", level=1, name="Importer des candidats").wait_for()
    page.get_by_label("Fichier des candidats").set_input_files(first)
    page.get_by_role("button", name="Vérifier et importer").click()
    page.get_by_role("heading", name="Import terminé").wait_for()
    assert page.get_by_role("table", name="Correspondance des colonnes appliquée").is_visible()

    page.get_by_label("Fichier des candidats").set_input_files(second)
    page.get_by_role("button", name="Vérifier et importer").click()
    page.get_by_role("heading", name="Import terminé").wait_for()
    assert_accessible(page)
    assert Candidacy.objects.filter(cohort=cohort).count() == 2
