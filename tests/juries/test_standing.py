"""Certification and VAE jury members carry the evaluators' checks: the external members are
insertion professionals (sector, years, proof; training where the referential requires it),
and a member in conflict of interest with a candidate stands aside for that candidate, who
then waits for a jury with a substitute of the same role; the PV says who and why."""

import pytest

from acquis.audit.models import AuditEvent
from acquis.candidates import services as candidate_services
from acquis.candidates.enums import CandidacyStatus
from acquis.evaluations import services as evaluation_services
from acquis.evaluations.enums import ConflictKind
from acquis.evaluations.models import JurorProfile
from acquis.juries import decisions, deliberations, minutes, standing
from acquis.juries.composition import CompositionRule, problems
from acquis.juries.enums import DecisionKind, JuryRole
from acquis.juries.exceptions import JuryError
from acquis.juries.models import Decision
from acquis.organisations.enums import Habilitation, Role
from acquis.organisations.services import grant_role
from acquis.referential.services import load_referential_file
from tests import evaluation_factories as ef
from tests.conftest import make_user
from tests.juries import factories as jf

pytestmark = pytest.mark.django_db


def seats(certifier):
    users = jf.jury_users(certifier)
    for (user, *_), (first, last) in zip(
        users, [("Jean", "Dupont"), ("Marie", "Roux"), ("Luc", "Martin")], strict=True
    ):
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
    return users


def test_external_members_are_insertion_professionals(ops_version, certifier):
    """ "deux professionnels du secteur de l'insertion extérieurs à l'organisme
    certificateur": sector, years (3, the certifier's practice) and proof, for the external
    seats only (the trainer of the certifier has no such condition)."""
    employer, employee, trainer = seats(certifier)
    JurorProfile.objects.filter(user=employer[0]).update(years_experience=2, sector="btp")
    JurorProfile.objects.filter(user=employee[0]).delete()
    deliberation = jf.deliberation(ops_version, members=[employer, employee, trainer], opened=False)
    found = [(p.rule, p.message) for p in problems(deliberation)]
    assert found == [
        (
            CompositionRule.QUALIFICATION,
            "Jean Dupont (représentant employeurs) : secteur d'expérience « btp » ; le "
            "référentiel exige une expérience dans le secteur « Insertion ».",
        ),
        (
            CompositionRule.QUALIFICATION,
            "Jean Dupont (représentant employeurs) : 2 an(s) d'expérience dans le secteur "
            "« Insertion », 3 exigé(s) au minimum.",
        ),
        (
            CompositionRule.QUALIFICATION,
            "Marie Roux (représentant salariés) : aucune fiche de membre de jury (secteur, "
            "années d'expérience) ; le référentiel fixe des conditions pour ce siège.",
        ),
    ]
    with pytest.raises(JuryError) as exc:
        deliberations.open_deliberation(deliberation, actor=None)
    assert exc.value.problems[:3] == [message for _, message in found]


def test_training_counts_where_the_referential_requires_it(
    ops_version, certifier, builtin_file, tmp_path
):
    path = tmp_path / "formes.yaml"
    text = builtin_file.read_text(encoding="utf-8")
    old = "experience_proof_required: true, training_required: false}"
    assert text.count(old) == 1
    path.write_text(text.replace(old, "experience_proof_required: true, training_required: true}"))
    version = load_referential_file(path, owner=certifier).version
    members = seats(certifier)
    deliberation = jf.deliberation(version, members=members, opened=False)
    assert [(p.rule, p.member.user.last_name) for p in problems(deliberation)] == [
        (CompositionRule.TRAINING, "Dupont"),
        (CompositionRule.TRAINING, "Roux"),
    ]
    for user, *_ in members[:2]:
        ef.train(JurorProfile.objects.get(user=user), version)
    assert problems(deliberation) == []


@pytest.fixture
def two_waiting(ops_version):
    return jf.ready_candidacy(ops_version), jf.ready_candidacy(ops_version)


def test_a_member_in_conflict_stands_aside_and_the_candidate_waits(
    ops_version, certifier, two_waiting
):
    linked, other = two_waiting
    members = seats(certifier)
    employer = JurorProfile.objects.get(user=members[0][0])
    evaluation_services.declare_conflict(
        employer, candidate=linked.candidate, kind=ConflictKind.EMPLOYER, note="Depuis 2024"
    )
    deliberation = jf.deliberation(ops_version, [linked, other], members=members)
    found = standing.standing_for(deliberation, linked)
    assert [(a.name, a.role_label) for a in found.aside] == [
        ("Jean Dupont", "représentant employeurs")
    ]
    assert found.aside[0].reason == (
        "Jean Dupont a déclaré un lien avec ce candidat : employeur du candidat (Depuis 2024)."
    )
    assert found.problems == [
        "Jean Dupont (représentant employeurs) ne siège pas pour ce candidat : Jean Dupont a "
        "déclaré un lien avec ce candidat : employeur du candidat (Depuis 2024). Sans ce "
        "membre, le jury n'a plus la composition du référentiel : le candidat attend un jury "
        "où siège un suppléant (représentant employeurs)."
    ]
    assert standing.standing_for(deliberation, other).may_decide
    with pytest.raises(JuryError) as exc:
        jf.decide_as_proposed(deliberation, linked)
    assert exc.value.problems == found.problems
    assert not Decision.objects.filter(candidacy=linked).exists()
    jf.decide_as_proposed(deliberation, other)
    # The PV records who stood aside, for whom and why; the others' decisions as usual.
    pv = jf.sign_all(deliberation)
    assert [c["candidacy"] for c in pv.content["candidates"]] == [other.pk]
    (waiting,) = pv.content["not_decided"]
    assert waiting["candidacy"] == linked.pk
    assert waiting["stood_aside"] == [
        {
            "member": deliberation.members.get(user=members[0][0]).pk,
            "name": "Jean Dupont",
            "role_label": "représentant employeurs",
            "reason": found.aside[0].reason,
        }
    ]
    assert waiting["reasons"] == found.problems
    event = AuditEvent.objects.get(verb="minutes.generated")
    assert event.payload["not_decided"] == [linked.pk]
    # The candidate waits, then a jury with a substitute employers' representative decides.
    linked.refresh_from_db()
    assert linked.status == CandidacyStatus.AWAITING_JURY
    substitute = make_user("suppleant@jury.fr", certifier, Role.JUROR, first_name="Ana")
    jf.professional(substitute, certifier)
    second = jf.deliberation(
        ops_version,
        [linked],
        members=[
            (substitute, JuryRole.EMPLOYER_REPRESENTATIVE, True, "Medef"),
            *members[1:],
        ],
    )
    assert standing.standing_for(second, linked).aside == []
    assert jf.decide_as_proposed(second, linked).kind == DecisionKind.TOTAL


def test_the_training_partner_and_the_candidates_employer_are_conflicts(
    ops_version, certifier, partner
):
    partner.habilitation = Habilitation.BOTH
    partner.save()
    trained = jf.ready_candidacy(ops_version, to_jury=False)
    trained.partner = partner
    trained.save(update_fields=["partner"])
    candidate_services.move_candidacy(trained, CandidacyStatus.AWAITING_JURY)
    placed = jf.ready_candidacy(ops_version)  # placement at "Mission locale de Bron"
    employer, employee, trainer = seats(certifier)
    grant_role(trainer[0], partner, Role.PARTNER_STAFF)
    JurorProfile.objects.filter(user=employee[0]).update(structure="Mission Locale de BRON")
    # The employers' representative sits for the partner organisation that trained `trained`.
    employer = (employer[0], employer[1], employer[2], partner.name)
    deliberation = jf.deliberation(
        ops_version, [trained, placed], members=[employer, employee, trainer]
    )
    found = standing.standings(deliberation)
    works_there = (
        "Marie Roux travaille pour Mission locale de Bron, la structure où le candidat exerce "
        "(structure d'accueil ou employeur)."
    )
    assert [a.reason for a in found[trained.pk].aside] == [
        "Jean Dupont représente Formation Plus, l'organisme qui a formé ce candidat.",
        works_there,
        "Luc Martin fait partie de l'organisme qui a formé ce candidat.",
    ]
    assert [a.reason for a in found[placed.pk].aside] == [works_there]


def test_a_decision_taken_before_a_conflict_came_to_light_is_withdrawn_with_the_candidate(
    ops_version, certifier, two_waiting
):
    linked, other = two_waiting
    members = seats(certifier)
    deliberation = jf.deliberation(ops_version, [linked, other], members=members)
    decision = jf.decide_as_proposed(deliberation, linked)
    jf.decide_as_proposed(deliberation, other)
    evaluation_services.declare_conflict(
        JurorProfile.objects.get(user=members[1][0]),
        candidate=linked.candidate,
        kind=ConflictKind.RELATIVE,
    )
    with pytest.raises(JuryError) as exc:
        minutes.close_deliberation(deliberation, actor=None)
    assert exc.value.problems[0].startswith(
        f"{linked.candidate.full_name} : une décision est enregistrée, mais Marie Roux"
    )
    deliberations.remove_candidate(deliberation, linked, actor=None)
    assert not Decision.objects.filter(pk=decision.pk).exists()
    withdrawn = AuditEvent.objects.get(verb="decision.withdrawn")
    assert withdrawn.object_id == str(decision.pk) and withdrawn.from_state == decision.kind
    assert "Marie Roux (représentant salariés) ne siège pas" in withdrawn.payload["reasons"][0]
    # Without a conflict, a decided candidate still cannot leave the list.
    with pytest.raises(JuryError, match="a déjà une décision"):
        deliberations.remove_candidate(deliberation, other, actor=None)
    pv = minutes.close_deliberation(deliberation, actor=None)
    assert pv.content["not_decided"] == []


def test_a_decision_refused_through_decide_writes_nothing(ops_version, certifier, two_waiting):
    linked, _ = two_waiting
    members = seats(certifier)
    evaluation_services.declare_conflict(
        JurorProfile.objects.get(user=members[0][0]),
        candidate=linked.candidate,
        kind=ConflictKind.TRAINED,
    )
    deliberation = jf.deliberation(ops_version, [linked], members=members)
    before = AuditEvent.objects.count()
    with pytest.raises(JuryError, match="ce jury ne peut pas statuer"):
        decisions.decide(deliberation, linked, blocks={}, kind="refused", reason="x", actor=None)
    assert AuditEvent.objects.count() == before
