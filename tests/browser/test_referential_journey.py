"""A reader studies the referential; the exam manager compares two versions (Chromium)."""

import pytest

from acquis.referential.services import load_referential_file
from tests.browser.conftest import assert_accessible, second_factor
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_studies_the_referential(page, live_server, ops_version):
    page.goto(live_server.url + "/")
    assert_accessible(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.get_by_role("link", name="Chargé d'accompagnement collectif").click()
    page.get_by_role("heading", level=1, name="Chargé d'accompagnement collectif").wait_for()
    assert page.get_by_text("24 compétences").is_visible()
    page.get_by_role("link", name="B4 — Elaboration").click()
    section = page.locator("#bloc-B4")
    assert section.is_visible()
    sequence = page.locator("article", has=page.locator("#epreuve-E10"))
    assert "30 minutes, durée fixée par le référentiel" in sequence.inner_text()
    assert "durée non fixée par le référentiel" in sequence.inner_text()
    assert sequence.get_by_role("link", name="C4.3").count() == 1
    # The certifier's own rules, apart from the source's quoted words.
    page.get_by_role("link", name="Règles de certification").click()
    practice = page.locator("#regles-organisme + p + ul")
    assert "Une compétence est acquise lorsque tous ses critères" in practice.inner_text()
    assert practice.get_by_text("Règle de l'organisme").count() == len(
        ops_version.rules["practice"]
    )
    assert_accessible(page)


def test_the_exam_manager_compares_two_versions(
    page, live_server, personas, ops_version, builtin_file, tmp_path
):
    changed = tmp_path / "v2.yaml"
    changed.write_text(
        builtin_file.read_text(encoding="utf-8").replace(
            "La présentation est claire et précise.", "La présentation est claire."
        )
    )
    load_referential_file(changed)
    page.goto(live_server.url + "/gestion/")
    page.get_by_label("Adresse électronique").fill(personas["responsable_epreuves"].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, personas["responsable_epreuves"].email)
    # The staff land on « À suivre »; the menu's « Référentiels » opens the referentials.
    page.get_by_role("heading", level=1, name="À suivre").wait_for()
    menu = page.get_by_role("navigation", name="Gestion")
    assert menu.get_by_role("link", name="À suivre").get_attribute("aria-current") == "page"
    menu.get_by_role("link", name="Référentiels").click()
    page.get_by_role("heading", level=1, name="Référentiels").wait_for()
    assert menu.get_by_role("link", name="Référentiels").get_attribute("aria-current") == "page"
    assert_accessible(page)
    page.get_by_role("link", name="Chargé d'accompagnement collectif").click()
    page.get_by_label("Version de départ").select_option("2")
    page.get_by_label("Version d'arrivée").select_option("1")
    page.get_by_role("button", name="Comparer").click()
    page.get_by_role("heading", name="Changements de la version 2 à la version 1").wait_for()
    row = page.get_by_role("row", name="Critère C1.1.3")
    assert "La présentation est claire." in row.inner_text()
    assert_accessible(page)


def test_an_administrator_loads_a_second_title_for_the_certifier(page, live_server, cns_certifier):
    """The second certifier's administrator loads its title from the staff pages (the
    keyboard reaches the file input, the certifier choice and the button)."""
    from acquis.organisations.enums import Role
    from acquis.referential.models import Certification
    from tests.conftest import CNS_FILE, make_user

    admin = make_user("admin@cns.fr", cns_certifier, Role.ADMIN)
    page.goto(live_server.url + "/gestion/referentiel/charger/")
    page.get_by_label("Adresse électronique").fill(admin.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, admin.email)
    page.get_by_role("heading", level=1, name="Charger un référentiel").wait_for()
    assert_accessible(page)
    page.get_by_label("Fichier du référentiel (YAML ou JSON)").set_input_files(str(CNS_FILE))
    assert page.get_by_label("Certificateur du titre").input_value() == str(cns_certifier.pk)
    page.get_by_role("button", name="Vérifier et charger").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1, name="Versions du référentiel").wait_for()
    assert "Certificateur : Coopérative Numérique du Sud" in page.content()
    assert_accessible(page)
    assert Certification.objects.get().owner == cns_certifier
