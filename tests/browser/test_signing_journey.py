"""Three jury members sign the PV with their password; it becomes signed and the candidate
then sees the decision in their portal (Chromium, axe-core on the PV page)."""

import pytest

from acquis.candidates.portal import give_portal_access
from acquis.juries import minutes
from tests import twofactor
from tests.browser.conftest import assert_accessible, second_factor
from tests.conftest import PASSWORD
from tests.juries import factories as jf
from tests.juries.test_minutes import decided

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIGN_LABEL = "Mot de passe (confirmation de votre signature)"
CODE_LABEL = "Code de vérification (application d'authentification)"


def log_in(page, base, email, path):
    page.context.clear_cookies()
    page.goto(f"{base}{path}")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, email)


def test_three_members_sign_then_the_candidate_sees_the_decision(
    page, live_server, personas, ops_version, mailoutbox
):
    deliberation, (candidacy,) = decided(ops_version)
    user = give_portal_access(candidacy.candidate, actor=personas["administrateur"])
    user.is_active = True
    user.set_password(PASSWORD)
    user.save()
    pv = minutes.close_deliberation(deliberation, actor=None)
    path = f"/jury/deliberations/{deliberation.pk}/pv/"
    members = jf.member_users(deliberation)

    # The first member mistypes their password: refused in an alert leading to the field.
    log_in(page, live_server.url, members[0].email, path)
    page.get_by_role("heading", name=f"Procès-verbal n° {pv.number}").wait_for()
    assert pv.content_hash in page.content()
    assert_accessible(page)
    page.get_by_label(SIGN_LABEL).fill("pas-le-bon")
    page.get_by_label(CODE_LABEL).fill(twofactor.code_for(members[0]))
    page.get_by_role("button", name=f"Signer le procès-verbal {pv.number}").click()
    alert = page.get_by_role("alert")
    assert "Mot de passe incorrect" in alert.inner_text()
    assert_accessible(page)
    alert.get_by_role("link").first.click()
    page.keyboard.type(PASSWORD)  # the link focused the password field
    page.get_by_label(CODE_LABEL).fill(twofactor.code_for(members[0]))  # the second factor
    page.get_by_label(CODE_LABEL).press("Enter")
    page.get_by_text(f"Vous avez signé le procès-verbal {pv.number}.").wait_for()

    for member in members[1:]:
        log_in(page, live_server.url, member.email, path)
        page.get_by_label(SIGN_LABEL).fill(PASSWORD)
        page.get_by_label(CODE_LABEL).fill(twofactor.code_for(member))
        page.get_by_role("button", name=f"Signer le procès-verbal {pv.number}").click()
        page.get_by_text(f"Vous avez signé le procès-verbal {pv.number}.").wait_for()
    assert page.locator("#pv-signe").is_visible()
    assert page.locator("#etat-deliberation").inner_text() == "Procès-verbal signé"
    assert_accessible(page)

    log_in(page, live_server.url, user.email, "/mon-dossier/decisions/")
    page.get_by_role("heading", name="Mes décisions").wait_for()
    assert "Refus de validation" in page.content()
    assert jf.REFUSAL_REASON in page.content()
    assert_accessible(page)
    decisions = [mail for mail in mailoutbox if mail.subject.startswith("Décision du jury")]
    assert len(decisions) == 1 and "Refus de validation" in decisions[0].subject
