"""The exam manager imports a spreadsheet of candidates, fixes the bad line, imports (Chromium)."""

import pytest

from acquis.candidates.models import Candidacy
from acquis.candidates.services import create_cohort
from tests.browser.conftest import assert_accessible, second_factor
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "nom_naissance;prenom1;sexe;date_naissance;code_insee_naissance;voie;voie_vae;blocs"


def test_the_exam_manager_fixes_a_bad_line_then_imports(
    page, live_server, personas, ops_version, certifier, tmp_path
):
    cohort = create_cohort(certifier=certifier, version=ops_version, name="Promotion printemps")
    lines = [HEADER, "Martin;Camille;F;14/03/1990;69123;vae;vae_classique;",
             "Nguyen;Linh;F;31/02/1988;75056;libre;;B1,B2"]  # fmt: skip
    bad = tmp_path / "candidats.csv"
    bad.write_text("\n".join(lines), encoding="utf-8")

    page.goto(f"{live_server.url}/gestion/promotions/{cohort.pk}/import/")
    page.get_by_label("Adresse électronique").fill(personas["responsable_epreuves"].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, personas["responsable_epreuves"].email)
    page.get_by_role("heading", level=1, name="Importer des candidats").wait_for()
    assert_accessible(page)

    page.get_by_label("Fichier des candidats").set_input_files(bad)
    page.get_by_role("button", name="Vérifier et importer").click()
    page.get_by_role("heading", name="Fichier refusé").wait_for()
    row = page.get_by_role("row", name="3 D (date_naissance)")
    assert "Date de naissance invalide (format JJ/MM/AAAA)." in row.inner_text()
    assert page.get_by_role("alert").inner_text().startswith("1 erreur(s) dans candidats.csv")
    assert not Candidacy.objects.exists()
    assert_accessible(page)

    good = tmp_path / "candidats-corriges.csv"
    good.write_text("\n".join(lines).replace("31/02/1988", "28/02/1988"), encoding="utf-8")
    page.get_by_label("Fichier des candidats").set_input_files(good)
    page.get_by_label("Simulation").check()
    page.get_by_role("button", name="Vérifier et importer").click()
    page.get_by_role("heading", name="Simulation réussie").wait_for()
    assert not Candidacy.objects.exists()

    page.get_by_label("Fichier des candidats").set_input_files(good)
    page.get_by_role("button", name="Vérifier et importer").click()
    page.get_by_role("heading", name="Import terminé").wait_for()
    assert "2 candidat(s) créé(s)" in page.get_by_role("status").last.inner_text()
    assert_accessible(page)
    assert Candidacy.objects.filter(cohort=cohort).count() == 2
    partial = Candidacy.objects.get(candidate__birth_name="Nguyen")
    assert sorted(b.code for b in partial.blocks.all()) == ["B1", "B2"]
