"""The exam manager removes a panel member, moves the session to another day, then cancels
it with a reason (Chromium, axe-core). Days are counted from the local day."""

from datetime import timedelta

import pytest
from django.utils import timezone

from acquis.evaluations.enums import SessionStatus
from acquis.evaluations.models import EvaluationSession
from tests import evaluation_factories as ef
from tests.browser.conftest import assert_accessible, second_factor
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_remove_a_member_move_the_day_then_cancel(page, live_server, personas, ops_version):
    day = timezone.localdate() + timedelta(days=20)
    session = ef.session(ops_version, on=day, title="Session de printemps")
    page.goto(f"{live_server.url}/gestion/sessions/{session.pk}/")
    page.get_by_label("Adresse électronique").fill(personas["responsable_epreuves"].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, personas["responsable_epreuves"].email)
    page.get_by_role("heading", level=1, name="Session de printemps").wait_for()
    menu = page.get_by_role("navigation", name="Gestion")
    assert menu.get_by_role("link", name="Sessions").get_attribute("aria-current") == "true"
    assert_accessible(page)

    page.get_by_role("button", name="Retirer Paul Pro du jury").click()
    page.get_by_text("Paul Pro retiré(e) du jury de la session.").wait_for()

    page.get_by_role("link", name="Modifier la session (date, lieu, horaires)").click()
    page.get_by_role("heading", level=1, name="Modifier la session").wait_for()
    page.get_by_label("Date de la session").fill("2020-01-01")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    summary = page.locator("[data-error-summary]")
    assert "le 01/01/2020 est passé" in summary.inner_text()
    assert_accessible(page)
    new_day = day + timedelta(days=1)
    page.get_by_label("Date de la session").fill(new_day.isoformat())
    page.get_by_label("Lieu").fill("Maison de l'emploi, Lyon")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    page.get_by_text("Session modifiée.").wait_for()
    assert page.get_by_text(f"{new_day:%d/%m/%Y}").first.is_visible()

    page.get_by_label("Motif de l'annulation de la session").fill("Salle indisponible")
    page.get_by_role("button", name="Annuler la session").click()
    page.get_by_text("Session « Session de printemps » annulée.").wait_for()
    assert page.locator("#etat-session").inner_text() == "Annulée"
    assert_accessible(page)
    session = EvaluationSession.objects.get(pk=session.pk)
    assert session.status == SessionStatus.CANCELLED and session.place.startswith("Maison")
