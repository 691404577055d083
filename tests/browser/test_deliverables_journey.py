"""The candidate deposits a preparatory deliverable from "Mes livrables" (Chromium)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from acquis.candidates.portal import give_portal_access
from acquis.evaluations.models import DeliverableSubmission
from tests import evaluation_factories as ef
from tests import factories
from tests.browser.conftest import assert_accessible, second_factor
from tests.conftest import PASSWORD
from tests.factories import MINIMAL_PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_candidate_deposits_l1_for_their_e1_slot(
    page, live_server, personas, ops_version, tmp_path
):
    certifier = ops_version.certification.owner
    person = factories.candidate(certifier, email=personas["candidat"].email)
    give_portal_access(person, actor=personas["administrateur"])
    candidacy = factories.candidacy(ops_version, person=person, started=True)
    session = ef.session(ops_version, on=timezone.localdate() + timedelta(days=21))
    slot = ef.slot(session, candidacy, "E1", "09:00", minutes=60)

    page.goto(live_server.url + "/mon-dossier/livrables/")
    page.get_by_label("Adresse électronique").fill(personas["candidat"].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, personas["candidat"].email)
    page.get_by_role("heading", name="Mes livrables").wait_for()
    assert page.get_by_role(
        "heading", name="L1 — Support synthétique présentant l'action"
    ).is_visible()
    assert page.get_by_text("Aucun fichier déposé.").is_visible()
    assert_accessible(page)

    # A file that is not a document: the reason is given beside the field.
    fake = tmp_path / "support.pdf"
    fake.write_bytes(b"pas un document")
    field = "Fichier du livrable L1 — Support synthétique présentant l'action"
    page.get_by_label(field).set_input_files(str(fake))
    page.get_by_role("button", name="Déposer L1").click()
    error = page.locator(
        f"#id_livrable_{slot.pk}_{slot.assessment.deliverables.get().pk}_file_error"
    )
    assert "seuls les fichiers PDF, DOCX et ODT sont acceptés" in error.inner_text()
    assert page.get_by_role("alert").first.is_visible()
    assert_accessible(page)

    support = tmp_path / "support-information-collective.pdf"
    support.write_bytes(MINIMAL_PDF)
    page.get_by_label(field).set_input_files(str(support))
    page.get_by_role("button", name="Déposer L1").click()
    assert page.get_by_text("Livrable L1 déposé pour l'épreuve E1.").is_visible()
    link = page.get_by_role("link", name="support-information-collective.pdf")
    assert link.is_visible()
    assert page.get_by_role("button", name="Remplacer le fichier de L1").is_visible()
    assert DeliverableSubmission.objects.filter(slot=slot).count() == 1
    assert_accessible(page)
