"""The candidate's decisions (/mon-dossier/decisions/): only once the PV is signed, with the
blocks, what remains and until when, the ledger and its validity, corrections beside."""

from datetime import date

import pytest
from django.urls import reverse

from acquis.candidates.portal import give_portal_access
from acquis.juries import corrections, deliberations, minutes
from acquis.juries.models import HeldBlock
from acquis.organisations.enums import Role
from tests.conftest import PASSWORD, make_user
from tests.juries import factories as jf

pytestmark = pytest.mark.django_db
URL = "/mon-dossier/decisions/"


def portal(client, candidacy, admin):
    """Open the candidate's portal and log them in."""
    user = give_portal_access(candidacy.candidate, actor=admin)
    user.is_active = True  # as if the invitation were accepted
    user.set_password(PASSWORD)
    user.save()
    assert client.login(email=user.email, password=PASSWORD)
    return user


def test_the_url_is_named():
    assert reverse("candidate:decisions") == URL


def test_nothing_before_the_signature_then_the_partial_decision(client, ops_version, personas):
    candidacy = jf.ready_candidacy(ops_version, not_acquired=("C3.2.1",))
    deliberation = jf.deliberation(ops_version, [candidacy], on=date(2028, 2, 29))
    jf.decide_as_proposed(deliberation, candidacy)
    portal(client, candidacy, personas["administrateur"])
    assert "Aucune décision du jury" in client.get(URL).content.decode()
    pv = minutes.close_deliberation(deliberation, actor=None)
    users = jf.member_users(deliberation)
    for user in users[:2]:
        minutes.sign(pv, user, password=PASSWORD, actor=user)
    html = client.get(URL).content.decode()
    assert "Aucune décision du jury" in html and "Validation partielle" not in html
    minutes.sign(pv, users[2], password=PASSWORD, actor=users[2])
    html = client.get(URL).content.decode()
    assert "Validation partielle" in html
    assert "Obtenir le bloc B3" in html
    assert "Repasser les épreuves des blocs non acquis." in html
    assert "Demandes de nouvelle validation possibles jusqu'au 28 février 2033." in html
    assert "Vos blocs validés sont acquis définitivement" in html
    assert html.count("<td>Acquis définitivement</td>") == 3  # B1, B2, B4 in the ledger


def test_blocks_stay_acquired_after_the_deadline_for_a_new_request(client, ops_version, personas):
    candidacy = jf.ready_candidacy(ops_version, not_acquired=("C3.2.1",))
    jf.decided_and_signed(ops_version, [candidacy], on=date(2020, 1, 15))
    assert HeldBlock.objects.filter(decision__candidacy=candidacy).count() == 3
    portal(client, candidacy, personas["administrateur"])
    html = client.get(URL).content.decode()
    # 2025 is long past: the blocks are still acquired, never "expired".
    assert html.count("<td>Acquis définitivement</td>") == 3
    assert "xpiré" not in html and "Valable jusqu" not in html


def test_a_correction_shows_beside_the_corrected_decision(client, ops_version, personas):
    candidacy = jf.ready_candidacy(ops_version, not_acquired=("C3.2.1",))
    first = jf.decided_and_signed(ops_version, [candidacy], on=date(2026, 6, 15))
    new = corrections.start_correction(
        first.decisions.get(), on=date(2026, 9, 1), place="Bron", title="Recours", actor=None
    )
    for user, role, external, organisation in jf.jury_users(new.certifier):
        deliberations.add_member(
            new, user, role=role, external=external, organisation=organisation, actor=None
        )
    deliberations.open_deliberation(new, actor=None)
    corrections.decide_correction(
        new,
        candidacy,
        correction_reason="Issue du recours : le bloc B3 est acquis.",
        blocks={"B1": True, "B2": True, "B3": True, "B4": True},
        kind="total",
        reason="Recours accueilli.",
        actor=None,
    )
    portal(client, candidacy, personas["administrateur"])
    assert "Validation totale" not in client.get(URL).content.decode()  # not signed yet
    jf.sign_all(new)
    html = client.get(URL).content.decode()
    assert "Validation totale" in html and "Validation partielle" in html
    assert "Cette décision corrige la décision du 15 juin 2026" in html
    assert "Décision corrigée le 1 septembre 2026" in html
    assert "Annulé (correction)" in html
    assert html.count("<td>Acquis définitivement</td>") == 4  # the title's blocks


def test_another_candidate_sees_none_of_it(client, ops_version, personas, certifier):
    candidacy = jf.ready_candidacy(ops_version)
    jf.decided_and_signed(ops_version, [candidacy])
    other = jf.ready_candidacy(ops_version, to_jury=False)
    portal(client, other, personas["administrateur"])
    html = client.get(URL).content.decode()
    assert "Aucune décision du jury" in html and "Validation totale" not in html
    assert "Vous ne détenez encore aucun bloc" in html


def test_a_candidate_whose_dossier_is_not_opened(client, certifier):
    user = make_user("seul@test.fr", certifier, Role.CANDIDATE)
    client.login(email=user.email, password=PASSWORD)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Mes décisions" not in response.content.decode()


def test_the_dossier_links_to_my_decisions(client, ops_version, personas):
    candidacy = jf.ready_candidacy(ops_version, to_jury=False)
    portal(client, candidacy, personas["administrateur"])
    html = client.get(reverse("candidate:dossier")).content.decode()
    assert f'href="{URL}"' in html and "Mes décisions" in html
