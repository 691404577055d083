"""The candidate confirms her presence on her convocation page, with the keyboard; the exam
manager then reads it on the session page (Chromium, axe-core). The clock is frozen
(`clock`, 9 December 2026): the sitting on the 15th is ahead."""

from datetime import date

import pytest
from playwright.sync_api import expect

from acquis.candidates.portal import give_portal_access
from acquis.evaluations import services
from acquis.evaluations.convocations import send_convocations
from tests import evaluation_factories as ef
from tests import factories
from tests.browser.conftest import assert_accessible, second_factor
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, path, email):
    page.goto(f"{live_server.url}{path}")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, email)


def test_the_candidate_confirms_her_presence(page, live_server, clock, personas, ops_version):
    certifier = ops_version.certification.owner
    person = factories.candidate(certifier, email=personas["candidat"].email)
    give_portal_access(person, actor=personas["administrateur"])
    candidacy = factories.candidacy(ops_version, person=person, started=True)
    session = ef.session(ops_version, on=date(2026, 12, 15))
    slot = ef.slot(session, candidacy, "E1", "09:00", minutes=60)
    services.confirm_panel(session)
    send_convocations(session, actor=None)

    _login(page, live_server, "/mon-dossier/", personas["candidat"].email)
    page.get_by_role("link", name="Mes convocations").click()
    page.get_by_role("link", name="Convocation E1").click()
    page.get_by_role("heading", name="Votre présence").wait_for()
    assert_accessible(page)
    button = page.get_by_role("button", name="Je confirme ma présence")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Votre présence est confirmée. Merci.")).to_be_visible()
    expect(page.get_by_text("Présence confirmée", exact=True)).to_be_visible()
    expect(button).to_have_count(0)
    assert_accessible(page)
    slot.refresh_from_db()
    assert slot.presence_confirmed_at is not None
    page.get_by_role("button", name="Se déconnecter").click()

    _login(
        page,
        live_server,
        f"/gestion/sessions/{session.pk}/",
        personas["responsable_epreuves"].email,
    )
    row = page.locator(f"#creneau-{slot.pk}")
    expect(row).to_contain_text("Présence confirmée le 09/12/2026")
