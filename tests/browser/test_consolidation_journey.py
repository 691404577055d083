"""The exam manager consolidates two jurors' diverging grids (Chromium, axe-core)."""

import pytest

from acquis.evaluations.enums import SlotStatus
from tests import consolidation_factories as cf
from tests import evaluation_factories as ef
from tests.browser.conftest import assert_accessible, second_factor
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_consolidate_a_divergence_and_depart_from_the_rule(
    page, live_server, personas, ops_version
):
    candidacy = ef.started_candidacy(ops_version, blocks=["B1"])
    (slot,) = cf.held_slots(ops_version, candidacy)
    anne, paul = cf.assessors(slot)
    cf.submit(slot, anne, not_acquired=["C1.1.3"], comment="Présentation confuse.")
    cf.submit(slot, paul)

    page.goto(f"{live_server.url}/gestion/creneaux/{slot.pk}/consolidation/")
    page.get_by_label("Adresse électronique").fill(personas["responsable_epreuves"].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, personas["responsable_epreuves"].email)
    page.get_by_role("heading", name="Consolidation : E1 — Information collective").wait_for()
    divergent = page.locator("tr.divergent")
    assert divergent.count() == 1
    assert "C1.1.3" in divergent.inner_text() and "Divergence" in divergent.inner_text()
    assert "Présentation confuse." in divergent.inner_text()
    decision = page.get_by_role("group", name="Décision du jury — critère C1.1.3")
    assert not decision.get_by_label("Acquis", exact=True).is_checked()
    assert not decision.get_by_label("Non acquis").is_checked()
    unanimous = page.get_by_role("group", name="Décision du jury — critère C1.1.1")
    assert unanimous.get_by_label("Acquis", exact=True).is_checked()
    assert_accessible(page)

    # Chosen but not explained: refused, in an alert naming the criterion.
    decision.get_by_label("Non acquis").check()
    page.get_by_role("button", name="Enregistrer le résultat consolidé").click()
    alert = page.get_by_role("alert")
    assert "Critère C1.1.3 : les évaluateurs divergent" in alert.inner_text()
    assert_accessible(page)
    alert.get_by_role("link").first.click()  # the summary leads to the field

    decision = page.get_by_role("group", name="Décision du jury — critère C1.1.3")
    assert decision.get_by_label("Non acquis").is_checked()  # the input was kept
    page.get_by_label("Commentaire du jury — critère C1.1.3").fill(
        "Début confus, le jury retient non acquis."
    )
    result = page.get_by_role("group", name="Résultat de la compétence C1.1")
    assert "Selon les avis des évaluateurs : à déterminer (divergence)." in result.inner_text()
    result.get_by_label("S'écarter de la règle : déclarer la compétence acquise").check()
    result.get_by_label("Motif de l'écart à la règle — compétence C1.1", exact=False).fill(
        "Présentation maîtrisée après le début : compétence démontrée."
    )
    page.get_by_role("button", name="Enregistrer le résultat consolidé").click()

    assert page.get_by_text("Résultat consolidé enregistré.").is_visible()
    assert page.locator("#etat-creneau").inner_text() == "Résultat consolidé"
    text = page.locator("section[aria-labelledby='resultat-consolide']").inner_text()
    assert "écart à la règle (la règle donnait : non acquise)" in text
    assert "Présentation maîtrisée après le début : compétence démontrée." in text
    assert page.get_by_text("✓ intègre").count() == 2
    assert page.get_by_role("radio").count() == 0
    assert_accessible(page)
    slot.refresh_from_db()
    assert slot.status == SlotStatus.CONSOLIDATED
