"""A holder answers the insertion survey on a phone-sized page (390 px), from the link of
the e-mail, without an account; then changes an answer (Chromium, axe-core)."""

import re
from datetime import date

import pytest
from django.core import mail

from acquis.followup import clock, services
from acquis.followup.models import Answer
from tests.browser.conftest import assert_accessible, second_factor
from tests.conftest import PASSWORD
from tests.followup.factories import NOW, campaign, decided, deliberation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_holder_answers_the_survey_on_a_phone(
    page, live_server, ops_version, certifier, settings, monkeypatch
):
    settings.SITE_URL = live_server.url  # the live server runs in this process
    monkeypatch.setattr(clock, "now", lambda: NOW)
    decided(deliberation(ops_version, certifier, date(2025, 3, 10)))
    c = campaign(ops_version, certifier)
    services.open_campaign(c, actor=None, now=NOW)
    services.send_invitations(c, now=NOW)
    [message] = mail.outbox
    link = re.search(re.escape(live_server.url) + r"/enquete/\S+/", message.body)[0]

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(link)
    page.get_by_role("heading", level=1, name="Que devenez-vous ?").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    assert_accessible(page)

    page.get_by_label("En emploi (salarié, indépendant, fonctionnaire…)").check()
    page.get_by_label("Intitulé de votre emploi").fill("Conseillère en insertion")
    page.get_by_label("Conseiller emploi").check()
    page.get_by_label("Oui, beaucoup").check()
    page.get_by_role("button", name="Enregistrer ma réponse").click()
    page.get_by_text("Votre réponse n'est pas enregistrée").wait_for()
    assert page.get_by_text("Indiquez le type de contrat de votre emploi.").first.is_visible()
    assert_accessible(page)

    page.get_by_label("Type de contrat").select_option(label="CDI")
    page.get_by_label("Temps de travail").select_option(label="Temps plein")
    page.get_by_label("Secteur de votre employeur").select_option(
        label="Insertion, emploi, formation"
    )
    page.get_by_role("button", name="Enregistrer ma réponse").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Merci : votre réponse est enregistrée.").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    answer = Answer.objects.get()
    assert (answer.situation, answer.in_targeted_job, answer.contract_type) == (
        "employed",
        True,
        "permanent",
    )

    page.get_by_label("Temps de travail").select_option(label="Temps partiel")
    page.get_by_role("button", name="Enregistrer ma réponse").click()
    page.get_by_text("Merci : votre réponse est enregistrée.").wait_for()
    answer.refresh_from_db()
    assert answer.working_time == "part" and Answer.objects.count() == 1


def test_staff_prepare_open_and_read_a_campaign_then_the_renewal_file(
    page, live_server, personas, ops_version, certifier, monkeypatch
):
    """The exam manager creates a campaign from the form, opens it, reads its indicators
    (suppressed: one person) and the renewal tables; every page passes axe-core."""
    monkeypatch.setattr(clock, "now", lambda: NOW)
    decided(deliberation(ops_version, certifier, date(2025, 3, 10)))
    page.goto(live_server.url + "/gestion/enquetes/")
    page.get_by_label("Adresse électronique").fill(personas["responsable_epreuves"].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, personas["responsable_epreuves"].email)
    page.get_by_role("heading", level=1, name="Enquêtes d'insertion").wait_for()
    assert_accessible(page)

    page.get_by_label("Certification").select_option(label=ops_version.certification.title)
    page.get_by_label("Intitulé de la campagne").fill("Six mois — 2025")
    page.get_by_label("Décisions du").fill("2025-01-01")
    page.get_by_label("Décisions au").fill("2025-06-30")
    page.get_by_label("Clôture de l'enquête le").fill("2026-04-30")
    page.get_by_role("button", name="Enregistrer la campagne").click()
    page.get_by_role("heading", level=1, name="Six mois — 2025").wait_for()
    page.get_by_role("button", name="Ouvrir et inviter").click()
    page.get_by_text("Campagne ouverte").wait_for()
    assert page.get_by_text("Secret statistique : moins de 5 réponses").first.is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Renouvellement RNCP").click()
    page.get_by_label("Certification (obligatoire)").select_option(
        label=ops_version.certification.title
    )
    page.get_by_label("Années (obligatoire)").fill("2024-2025")
    page.get_by_role("button", name="Afficher").click()
    page.get_by_role("heading", level=2, name="Certifiés par année et voie d'accès").wait_for()
    assert_accessible(page)
