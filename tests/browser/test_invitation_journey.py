"""The administrator invites a juror, who chooses a password and logs in (Chromium)."""

import re

import pytest
from django.core import mail

from acquis.organisations.models import User
from tests.browser.conftest import assert_accessible, second_factor
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Gentiane-sur-Bron-2026"


def log_in(page, email, password):
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, email)


def test_admin_invites_a_juror_who_sets_a_password_and_logs_in(
    page, live_server, personas, settings
):
    settings.SITE_URL = live_server.url  # the live server runs in this process
    page.goto(live_server.url + "/gestion/utilisateurs/")
    log_in(page, personas["administrateur"].email, PASSWORD)
    page.get_by_role("heading", level=1, name="Utilisateurs").wait_for()
    assert_accessible(page)

    form = page.locator("form", has=page.get_by_role("button", name="Envoyer l'invitation"))
    form.get_by_label("Adresse électronique").fill("lucie.ferrand@test.fr")
    form.get_by_label("Prénom").fill("Lucie")
    form.get_by_label("Nom", exact=True).fill("Ferrand")
    form.get_by_label("Organisation").select_option(label="OPS Conseil (certificateur)")
    form.get_by_label("Rôle").select_option(label="Membre de jury")
    form.get_by_role("button", name="Envoyer l'invitation").click()
    page.get_by_text("Invitation envoyée à lucie.ferrand@test.fr").wait_for()
    assert (
        page.get_by_role("row", name="Lucie Ferrand")
        .get_by_text("invitation en attente")
        .is_visible()
    )
    assert_accessible(page)

    [message] = mail.outbox
    link = re.search(re.escape(live_server.url) + r"/invitation/\S+/", message.body)[0]
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(link)
    page.get_by_role("heading", level=1, name="Choisir mon mot de passe").wait_for()
    assert_accessible(page)

    page.get_by_label("Mot de passe", exact=True).fill("12345678")
    page.get_by_label("Confirmation du mot de passe").fill("12345678")
    page.get_by_role("button", name="Activer mon compte").click()
    page.get_by_text("Ce mot de passe est entièrement numérique.").wait_for()
    assert_accessible(page)

    page.get_by_label("Mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Activer mon compte").click()
    page.get_by_text("Votre mot de passe est enregistré et votre compte est actif").wait_for()
    # Activating the account logs her in.
    page.get_by_role("button", name="Se déconnecter (lucie.ferrand@test.fr)").wait_for()
    assert_accessible(page)

    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(live_server.url + "/connexion/")
    log_in(page, "lucie.ferrand@test.fr", NEW_PASSWORD)
    page.get_by_role("button", name="Se déconnecter (lucie.ferrand@test.fr)").wait_for()
    assert User.objects.get(email="lucie.ferrand@test.fr").is_active


def test_admin_adds_a_partner_organisation(page, live_server, personas):
    page.goto(live_server.url + "/gestion/partenaires/")
    log_in(page, personas["administrateur"].email, PASSWORD)
    page.get_by_role("heading", level=1, name="Organismes partenaires").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Ajouter un organisme partenaire").click()
    page.get_by_label("Nom de l'organisme").fill("Insertion Formation Lyon")
    page.get_by_label("SIRET").fill("732 829 320 00075")
    page.get_by_label("Habilitation").select_option(label="Organiser les évaluations")
    page.get_by_role("button", name="Ajouter l'organisme").click()
    page.get_by_text("SIRET : ce numéro n'existe pas").wait_for()
    assert_accessible(page)
    page.get_by_label("SIRET").fill("732 829 320 00074")
    page.get_by_role("button", name="Ajouter l'organisme").click()
    row = page.get_by_role("row", name="Insertion Formation Lyon")
    row.wait_for()
    assert "Organiser les évaluations" in row.inner_text()
    assert_accessible(page)
