"""A juror fills their grid during the sitting, with the keyboard and the mouse (Chromium)."""

import pytest
from playwright.sync_api import expect

from acquis.evaluations.enums import GridStatus
from acquis.evaluations.models import Grid, GridMark
from tests import evaluation_factories as ef
from tests.browser.conftest import assert_accessible, second_factor
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def revision_is(page, mark_pk, value):
    # An auto-waiting assertion, not wait_for_function: the CSP forbids evaluating strings.
    expect(page.locator(f"#revision-{mark_pk}")).to_have_value(str(value), timeout=10000)


def test_a_juror_fills_and_submits_their_grid(page, live_server, ops_version):
    candidacy = ef.started_candidacy(ops_version)
    _, (slot,) = ef.opened_session(ops_version, [candidacy], code="E2")
    juror = slot.assessors.order_by("pk").first()
    page.set_viewport_size({"width": 768, "height": 1024})  # a tablet held upright

    page.goto(f"{live_server.url}/jury/creneaux/{slot.pk}/")
    page.get_by_label("Adresse électronique").fill(juror.user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, juror.user.email)
    page.get_by_role("heading", name="Grilles des évaluateurs").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Ouvrir ma grille").click()
    page.get_by_role("heading", name="Ma grille d'évaluation").wait_for()
    assert_accessible(page)

    grid = Grid.objects.get(slot=slot, juror=juror)
    marks = list(grid.marks.select_related("criterion").order_by("position"))
    first, second, rest = marks[0], marks[1], marks[2:]
    progress = page.locator("#progression")
    assert progress.inner_text() == f"0 / {len(marks)}"

    # Keyboard: Space checks "Acquis", the arrow moves to "Non acquis" (each saves).
    page.locator(f"#acquis-{first.pk}-oui").focus()
    page.keyboard.press("Space")
    revision_is(page, first.pk, "1")
    assert "Enregistré à" in page.locator(f"#etat-{first.pk}").inner_text()
    page.keyboard.press("ArrowRight")
    revision_is(page, first.pk, "2")
    assert page.locator(f"#acquis-{first.pk}-non").is_checked()
    assert page.get_by_label("Justification (obligatoire)").count() == 1
    # Tab into the next criterion: a comment typed at the keyboard saves itself.
    page.locator(f"#acquis-{second.pk}-oui").focus()
    page.keyboard.press("Space")
    revision_is(page, second.pk, "1")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"commentaire-{second.pk}"
    page.keyboard.type("Accueil chaleureux et reformulation")
    revision_is(page, second.pk, "2")
    # Mouse (or finger): the other criteria.
    for mark in rest:
        page.locator(f"#critere-{mark.pk}").get_by_text("Acquis", exact=True).click()
        revision_is(page, mark.pk, "1")
    assert progress.inner_text() == f"{len(marks)} / {len(marks)}"
    assert GridMark.objects.get(pk=second.pk).comment == "Accueil chaleureux et reformulation"

    # A second tab changes a criterion: the first tab's next save is refused, not lost.
    other = page.context.new_page()
    other.goto(page.url)
    other.locator(f"#commentaire-{rest[0].pk}").fill("Vu dans l'autre onglet")
    revision_is(other, rest[0].pk, "2")
    other.close()
    page.locator(f"#critere-{rest[0].pk}").get_by_text("Non acquis", exact=True).click()
    conflict = page.locator(f"#conflit-{rest[0].pk}")
    conflict.wait_for()
    assert "Ce critère a été modifié entre-temps" in conflict.inner_text()
    assert "Votre saisie non enregistrée : Non acquis" in conflict.inner_text()
    assert page.locator(f"#commentaire-{rest[0].pk}").input_value() == "Vu dans l'autre onglet"
    assert page.locator(f"#acquis-{rest[0].pk}-oui").is_checked()
    assert page.locator(f"#revision-{rest[0].pk}").input_value() == "2"
    assert GridMark.objects.get(pk=rest[0].pk).acquired is True
    assert_accessible(page)

    page.get_by_role("button", name="Remettre ma grille").click()
    alert = page.locator("#erreurs")
    problem = f"Critère {first.criterion.code} : justifiez « non acquis » dans le commentaire."
    assert problem in alert.inner_text()
    assert_accessible(page)
    page.get_by_role("link", name=problem).click()
    assert page.evaluate("document.activeElement.id") == f"commentaire-{first.pk}"
    revision = page.locator(f"#revision-{first.pk}").input_value()
    page.keyboard.type("N'a pas présenté l'offre de service")
    revision_is(page, first.pk, str(int(revision) + 1))
    page.get_by_role("button", name="Remettre ma grille").click()
    # The confirmation step says what remitting means, with a way back.
    page.get_by_role("heading", level=1, name="Remettre votre grille ?").wait_for()
    assert page.get_by_role("link", name="Annuler et revenir").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer la remise de ma grille").click()

    page.get_by_text("Grille remise le").first.wait_for()
    grid.refresh_from_db()
    assert grid.status == GridStatus.SUBMITTED
    assert grid.content_hash in page.locator("#grille-remise").inner_text()
    assert page.locator("textarea").count() == 0
    assert "N'a pas présenté l'offre de service" in page.locator("main").inner_text()
    assert_accessible(page)
