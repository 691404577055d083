"""The exam manager tries to confirm a panel with an ineligible juror (Chromium)."""

from datetime import date

import pytest

from acquis.evaluations import services
from acquis.organisations.enums import Role
from tests import evaluation_factories as ef
from tests import factories
from tests.browser.conftest import assert_accessible, second_factor
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_panel_with_an_ineligible_juror_is_refused(page, live_server, personas, ops_version):
    certifier = ops_version.certification.owner
    session = services.plan_session(
        certifier=certifier, version=ops_version, title="Session B1", on=date(2026, 12, 15),
        place="OPS Conseil, Bron",
    )  # fmt: skip
    user = make_user("alice@jury.fr", certifier, Role.JUROR, first_name="Alice", last_name="Roux")
    alice = services.record_juror(
        user=user, certifier=certifier, sector="insertion", role="Conseiller emploi",
        years_experience=5, represents_certifier=True, proof=factories.pdf_upload(),
    )  # fmt: skip
    ef.train(alice, ops_version, on=date(2026, 11, 2))
    user = make_user("bruno@jury.fr", certifier, Role.JUROR, first_name="Bruno", last_name="Vidal")
    services.record_juror(
        user=user, certifier=certifier, sector="insertion", role="Chargé d'insertion",
        years_experience=1,
    )  # fmt: skip
    services.add_panel_member(session, alice)

    page.goto(f"{live_server.url}/gestion/sessions/{session.pk}/")
    page.get_by_label("Adresse électronique").fill(personas["responsable_epreuves"].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, personas["responsable_epreuves"].email)
    page.get_by_role("heading", name="Session B1").wait_for()
    assert_accessible(page)
    page.get_by_label("Membre de jury à ajouter").select_option(label="Bruno Vidal")
    page.get_by_role("button", name="Ajouter au jury").click()
    assert page.get_by_text("Bruno Vidal ajouté(e) au jury.").is_visible()
    page.get_by_role("button", name="Confirmer le jury").click()
    alert = page.get_by_role("alert")
    text = alert.inner_text()
    assert "Jury non confirmé" in text
    assert "Expérience minimale dans le secteur : Bruno Vidal : 1 an(s)" in text
    assert "Expérience justifiée par une pièce : Bruno Vidal : aucune pièce" in text
    assert "Formé avant la session : Bruno Vidal : pas de formation" in text
    # Alice represents the certifier: without a qualified professional, never alone.
    assert (
        "Professionnels qualifiés en plus du représentant du certificateur : Le jury ne compte "
        "aucun professionnel qualifié du secteur en plus du représentant du certificateur"
    ) in text
    assert page.locator("#etat-session").inner_text() == "Planifiée"
    assert_accessible(page)
