"""The exam manager composes a jury with a missing role (refusal explained), completes it,
opens the deliberation and records the total validation of a candidacy's only block; a member
in conflict with another candidate stands aside for them, who waits for another jury, and the
PV says who and why; a VAE candidate without her oral is postponed; axe-core on every screen
(Chromium)."""

import pytest

from acquis.evaluations.models import JurorProfile
from acquis.evaluations.services import declare_conflict
from acquis.juries.enums import JuryKind, JuryRole
from acquis.juries.models import Decision
from tests.browser.conftest import assert_accessible, second_factor
from tests.conftest import PASSWORD
from tests.juries import factories as jf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_compose_refuse_fix_open_and_decide(page, live_server, personas, ops_version, certifier):
    candidacy = jf.ready_candidacy(ops_version, blocks=["B3"], memoir_oral=None, placement_days=0)
    name = candidacy.candidate.full_name
    linked = jf.ready_candidacy(ops_version, blocks=["B3"], memoir_oral=None, placement_days=0)
    seats = jf.jury_users(certifier)
    employer, employee, trainer = seats
    declare_conflict(
        JurorProfile.objects.get(user=employer[0]),
        candidate=linked.candidate,
        kind="relative",
    )
    employer_name = employer[0].get_full_name()

    page.goto(live_server.url + "/gestion/deliberations/")
    page.get_by_label("Adresse électronique").fill(personas["responsable_epreuves"].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, personas["responsable_epreuves"].email)
    page.get_by_role("heading", name="Délibérations du jury de certification").wait_for()
    assert_accessible(page)
    page.get_by_label("Intitulé").fill("Jury de juin")
    page.locator("#id_kind").select_option("certification")
    page.get_by_label("Date de la délibération").fill("2026-06-15")
    page.get_by_label("Lieu").fill("OPS Conseil, Bron")
    page.get_by_role("button", name="Préparer la délibération").click()
    page.get_by_role("heading", name="Jury de juin").wait_for()
    assert "Représentant employeurs : aucun membre." in page.locator("#composition").inner_text()

    def seat(user, role, external, organisation):
        page.locator("#id_membre_user").select_option(str(user.pk))
        page.locator("#id_membre_role").select_option(role)
        if external:
            page.get_by_label("Extérieur au certificateur").check()
        page.get_by_label("Structure représentée").fill(organisation)
        page.get_by_role("button", name="Ajouter au jury").click()

    seat(*employer)
    seat(*trainer)
    page.get_by_role("combobox", name="Candidat en attente du jury").select_option(
        str(candidacy.pk)
    )
    page.get_by_role("button", name="Ajouter le candidat").click()
    page.get_by_role("combobox", name="Candidat en attente du jury").select_option(str(linked.pk))
    page.get_by_role("button", name="Ajouter le candidat").click()
    warning = page.get_by_role("row", name=linked.candidate.full_name)
    assert f"Ne siégera pas pour ce candidat : {employer_name}" in warning.inner_text()
    page.get_by_role("button", name="Ouvrir la délibération").click()
    alert = page.locator("#refus")
    assert "Délibération non ouverte" in alert.inner_text()
    assert "Représentant salariés : aucun membre." in alert.inner_text()
    assert_accessible(page)

    seat(*employee)
    assert "Le jury respecte la composition" in page.locator("#composition").inner_text()
    page.get_by_role("button", name="Ouvrir la délibération").click()
    assert page.locator("#etat-deliberation").inner_text() == "En délibération"
    assert_accessible(page)

    # The proposal (B3 acquired, the candidacy's only block: a total validation of its
    # scope, without the title) is prefilled; a partial validation is refused next to the
    # candidate, with the rule.
    assert (
        "Validation totale des blocs visés (sans le titre)"
        in page.locator(".deliberation-summary").inner_text()
    )
    form = page.get_by_role("form", name=f"Décision pour {name}")
    assert form.get_by_role("radio", name="Validation totale").is_checked()
    form.get_by_role("radio", name="Validation partielle").check()
    form.get_by_label("Motif", exact=True).fill("Candidature limitée au bloc 3.")
    form.get_by_label("Compléments demandés (validation partielle)").fill("Rien.")
    form.get_by_role("button", name=f"Enregistrer la décision de {name}").click()
    refusal = page.get_by_role("alert").filter(has_text="la décision est une validation totale")
    assert refusal.count() >= 1
    assert_accessible(page)
    form = page.get_by_role("form", name=f"Décision pour {name}")
    form.get_by_role("radio", name="Validation totale").check()
    form.get_by_label("Motif", exact=True).fill("")
    form.get_by_label("Compléments demandés (validation partielle)").fill("")
    form.get_by_role("button", name=f"Enregistrer la décision de {name}").click()
    page.get_by_text(
        "Décision enregistrée : Validation totale des blocs visés (sans le titre)"
    ).wait_for()
    decision = Decision.objects.get(candidacy=candidacy)
    assert (decision.kind, decision.title_awarded) == ("total", False)
    assert [b.block.code for b in decision.blocks.filter(validated=True)] == ["B3"]
    assert JuryRole.EMPLOYEE_REPRESENTATIVE in set(
        decision.deliberation.members.values_list("role", flat=True)
    )

    # The other candidate: the employers' representative stands aside, no decision form.
    waiting = page.locator(f"#candidat-{decision.deliberation.entries.get(candidacy=linked).pk}")
    assert f"Ne siège pas pour ce candidat : {employer_name} (représentant employeurs)." in (
        waiting.inner_text()
    )
    assert waiting.get_by_role("form").count() == 0
    page.get_by_text("Règles appliquées : celles du référentiel et celles de l'organisme").click()
    assert page.locator("#regles-appliquees").get_by_text("Compétence acquise :").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Clore et établir le PV").click()
    page.get_by_role("heading", level=1, name="Clore la délibération ?").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer la clôture et établir le procès-verbal").click()
    page.get_by_role("heading", name="Candidats sur lesquels ce jury n'a pas statué").wait_for()
    section = page.locator(".minutes-candidate", has_text=linked.candidate.full_name)
    assert f"{employer_name} (représentant employeurs) ne siège pas pour ce candidat" in (
        section.inner_text()
    )
    assert_accessible(page)


def test_a_vae_candidate_without_her_oral_is_postponed(page, live_server, personas, ops_version):
    vae = jf.ready_candidacy(ops_version, vae=True, vae_oral=False)
    name = vae.candidate.full_name
    deliberation = jf.deliberation(ops_version, [vae], kind=JuryKind.VAE)
    page.goto(live_server.url + f"/gestion/deliberations/{deliberation.pk}/")
    page.get_by_label("Adresse électronique").fill(personas["responsable_epreuves"].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, personas["responsable_epreuves"].email)
    article = page.locator("article.candidate-file")
    article.get_by_text("Proposition : Ajournement").wait_for()
    assert "pas encore passé" in article.inner_text()
    form = page.get_by_role("form", name=f"Décision pour {name}")
    assert form.get_by_role("radio", name="Ajournement (un autre jury décidera)").is_checked()
    form.get_by_label("Motif", exact=True).fill("L'oral VAE n'a pas encore eu lieu.")
    form.get_by_role("button", name=f"Enregistrer la décision de {name}").click()
    page.get_by_text("Ajournement enregistré : L'oral VAE n'a pas encore eu lieu.").wait_for()
    entry = deliberation.entries.get()
    assert entry.postponement_reason == "L'oral VAE n'a pas encore eu lieu."
