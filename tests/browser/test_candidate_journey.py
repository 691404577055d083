"""A candidate opens "Mon dossier" and uploads the memoir; partner staff follow their
candidates and upload an attestation (Chromium, axe-core)."""

import pytest

from acquis.candidates import services
from acquis.candidates.portal import give_portal_access
from acquis.organisations.enums import Habilitation
from tests import factories
from tests.browser.conftest import assert_accessible, second_factor
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def candidacy(personas, ops_version):
    person = factories.candidate(
        ops_version.certification.owner,
        birth_name="Martin",
        first_name="Léa",
        email=personas["candidat"].email,
    )
    give_portal_access(person, actor=personas["administrateur"])
    candidacy = factories.candidacy(ops_version, person=person, started=True)
    services.record_placement(
        candidacy, host_structure="Mission locale", position="Accueil", tutor_name="M. Roux"
    )
    return candidacy


def test_the_candidate_uploads_the_memoir(page, live_server, personas, candidacy, tmp_path):
    not_a_pdf = tmp_path / "notes.pdf"
    not_a_pdf.write_text("Ceci n'est pas un PDF.")
    memoir = tmp_path / "memoire-lea-martin.pdf"
    memoir.write_bytes(factories.MINIMAL_PDF)

    page.goto(live_server.url + "/mon-dossier/")
    page.get_by_label("Adresse électronique").fill(personas["candidat"].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, personas["candidat"].email)
    page.get_by_role("heading", level=1, name="Mon dossier").wait_for()
    assert page.get_by_text("MARTIN Léa").first.is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Chargé d'accompagnement collectif").click()
    page.get_by_role("heading", level=2, name="Mémoire").wait_for()
    assert page.get_by_text("0 jour sur 29").is_visible()
    assert page.get_by_text("Le mémoire n'est pas encore déposé.").is_visible()
    assert_accessible(page)

    page.get_by_label("Fichier du mémoire").set_input_files(str(not_a_pdf))
    page.get_by_role("button", name="Déposer le mémoire").click()
    page.get_by_role("heading", name="Le dépôt n'a pas abouti").wait_for()
    field = page.get_by_label("Fichier du mémoire")
    assert field.get_attribute("aria-invalid") == "true"
    assert "seuls les fichiers PDF, DOCX et ODT" in page.locator("#id_file_error").inner_text()
    assert_accessible(page)

    page.get_by_label("Fichier du mémoire").set_input_files(str(memoir))
    page.get_by_role("button", name="Déposer le mémoire").click()
    page.get_by_text("Votre mémoire est déposé.").wait_for()
    row = page.get_by_role("row", name="Mémoire")
    assert "memoire-lea-martin.pdf" in row.inner_text()
    assert page.get_by_role("heading", name="Remplacer le mémoire").is_visible()
    assert_accessible(page)

    with page.expect_download() as download:
        row.get_by_role("link", name="memoire-lea-martin.pdf").click()
    assert download.value.suggested_filename == "memoire-lea-martin.pdf"


def test_partner_staff_follow_their_candidates(
    page, live_server, personas, partner, ops_version, tmp_path
):
    partner.habilitation = Habilitation.PREPARE
    partner.save(update_fields=["habilitation"])
    person = factories.candidate(partner.certifier, birth_name="Petit", first_name="Jules")
    candidacy = factories.candidacy(ops_version, person=person, partner=partner, started=True)
    services.record_placement(
        candidacy, host_structure="Mission locale", position="Accueil", tutor_name="M. Roux"
    )
    attestation = tmp_path / "attestation-stage.pdf"
    attestation.write_bytes(factories.MINIMAL_PDF)

    page.goto(live_server.url + "/partenaire/")
    page.get_by_label("Adresse électronique").fill(personas["partenaire"].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, personas["partenaire"].email)
    page.get_by_role("heading", level=1, name="Candidatures suivies").wait_for()
    row = page.get_by_role("row", name="PETIT Jules")
    assert "En formation / en évaluation" in row.inner_text()
    assert_accessible(page)

    row.get_by_role("link", name="PETIT Jules").click()
    page.get_by_role("heading", level=1, name="PETIT Jules").wait_for()
    assert_accessible(page)
    page.get_by_label("Fichier de l'attestation").set_input_files(str(attestation))
    page.get_by_role("button", name="Déposer l'attestation").click()
    page.get_by_text("L'attestation de stage est déposée.").wait_for()
    assert (
        "attestation-stage.pdf" in page.get_by_role("row", name="Attestation de stage").inner_text()
    )
    assert_accessible(page)
