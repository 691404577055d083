"""A staff user of two certifiers chooses the one they work for, then creates a promotion
that belongs to it (Chromium)."""

import re

import pytest

from acquis.candidates.models import Cohort
from acquis.organisations.enums import Role
from acquis.organisations.services import grant_role
from tests.browser.conftest import assert_accessible, second_factor
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_two_certifier_user_chooses_then_creates_a_promotion(
    page, live_server, personas, other_certifier, ops_version
):
    user = personas["administrateur"]
    grant_role(user, other_certifier, Role.EXAM_MANAGER)
    page.goto(live_server.url + "/gestion/promotions/")
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, user.email)
    page.get_by_role("heading", level=1, name="Promotions").wait_for()

    form = page.locator("form", has=page.get_by_role("button", name="Créer la promotion"))
    form.get_by_label("Nom de la promotion").fill("Printemps 2027")
    form.get_by_role("button", name="Créer la promotion").click()
    # Nothing is created before the choice: the choice page says why.
    page.get_by_role("heading", level=1, name="Certificateur").wait_for()
    page.get_by_text("Choisissez d'abord le certificateur pour lequel vous travaillez.").wait_for()
    assert not Cohort.objects.exists()
    assert_accessible(page)

    page.get_by_label("Autre Certificateur").check()
    page.get_by_role("button", name="Travailler pour ce certificateur").click()
    page.get_by_role("heading", level=1, name="Promotions").wait_for()
    page.get_by_text("Vous travaillez pour le certificateur « Autre Certificateur ».").wait_for()
    assert page.get_by_text("Pour Autre Certificateur").is_visible()

    form.get_by_label("Nom de la promotion").fill("Printemps 2027")
    form.get_by_role("button", name="Créer la promotion").click()
    page.get_by_text("Promotion « Printemps 2027 » créée.").wait_for()
    row = page.get_by_role("row", name=re.compile("Printemps 2027"))
    assert row.get_by_role("cell", name="Autre Certificateur").is_visible()
    assert Cohort.objects.get().certifier == other_certifier
    assert_accessible(page)
