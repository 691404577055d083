"""The exam manager opens a candidate's space from her dossier; the candidate activates her
account and lands, logged in, on her own dossier (Chromium)."""

import re

import pytest
from django.core import mail

from tests import factories
from tests.browser.conftest import assert_accessible, second_factor
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Gentiane-sur-Bron-2026"


def test_staff_opens_the_space_and_the_candidate_lands_on_it(
    page, live_server, personas, ops_version, settings
):
    settings.SITE_URL = live_server.url
    person = factories.candidate(
        ops_version.certification.owner,
        birth_name="Moreau",
        first_name="Inès",
        email="ines.moreau@exemple.fr",
    )
    candidacy = factories.candidacy(ops_version, person=person)
    page.goto(live_server.url + f"/gestion/candidatures/{candidacy.pk}/")
    page.get_by_label("Adresse électronique").fill(personas["responsable_epreuves"].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, personas["responsable_epreuves"].email)
    page.get_by_role("heading", level=1, name="Dossier de MOREAU Inès").wait_for()
    assert page.get_by_text("Espace candidat non ouvert").is_visible()
    page.get_by_role("button", name="Ouvrir l'espace candidat").click()
    page.get_by_text("Invitation envoyée à ines.moreau@exemple.fr").wait_for()
    assert page.get_by_text("Invitation envoyée, compte pas encore activé").is_visible()
    assert page.get_by_role("button", name="Renvoyer l'invitation").is_visible()
    assert_accessible(page)

    [message] = mail.outbox
    link = re.search(re.escape(live_server.url) + r"/invitation/\S+/", message.body)[0]
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(link)
    page.get_by_role("heading", level=1, name="Choisir mon mot de passe").wait_for()
    page.get_by_label("Mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Activer mon compte").click()

    page.get_by_text("Votre mot de passe est enregistré et votre compte est actif").wait_for()
    assert page.url.endswith("/mon-dossier/")
    page.get_by_role("button", name="Se déconnecter (ines.moreau@exemple.fr)").wait_for()
    assert page.get_by_text("pas encore ouvert").count() == 0
    assert_accessible(page)
