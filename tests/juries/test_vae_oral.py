"""VAE: no validation without the 30-minute oral, held after the validation file and before
the VAE jury's members (the same people hear and decide); a postponement otherwise."""

import pytest

from acquis.audit.models import AuditEvent
from acquis.candidates.enums import CandidacyStatus
from acquis.juries import decisions, evidence, minutes
from acquis.juries.enums import DecisionKind, JuryKind
from acquis.juries.exceptions import JuryError
from acquis.juries.models import Decision, DeliberationCandidate
from tests.juries import factories as jf

pytestmark = pytest.mark.django_db
NO_ORAL = (
    "Oral de présentation du dossier de validation (30 min devant le jury VAE) : pas encore passé."
)
ALL = {"B1": True, "B2": True, "B3": True, "B4": True}


def test_no_vae_validation_without_the_oral_then_decided_after_it(ops_version):
    jury = jf.vae_jury(ops_version)
    vae = jf.ready_candidacy(ops_version, vae=True, vae_oral=False, heard_by=jury)
    first = jf.deliberation(ops_version, [vae], kind=JuryKind.VAE, members=jury)
    member = jf.member_users(first)[0]
    file = evidence.gather_one(first, vae)
    assert file.proposal.postpone == (NO_ORAL,)
    for kind, blocks in ((DecisionKind.TOTAL, ALL), (DecisionKind.PARTIAL, {"B1": True})):
        with pytest.raises(JuryError) as caught:
            decisions.decide(
                first,
                vae,
                blocks=blocks,
                kind=kind,
                reason="x",
                further_evidence="y",
                actor=member,
            )
        assert f"{DecisionKind(kind).label} impossible : {NO_ORAL}" in caught.value.problems
    assert not Decision.objects.exists()
    # The jury postpones, with the reason; the PV records it.
    with pytest.raises(JuryError) as caught:
        decisions.postpone(first, vae, reason=" ", actor=member)
    assert caught.value.problems == [
        "Motif : obligatoire pour un ajournement (ce qui manque pour décider)."
    ]
    reason = "L'oral de présentation du dossier de validation n'a pas encore eu lieu."
    decisions.postpone(first, vae, reason=reason, actor=member)
    entry = DeliberationCandidate.objects.get(deliberation=first, candidacy=vae)
    assert entry.postponement_reason == reason and entry.postponed_by == member
    event = AuditEvent.objects.for_object(vae).get(verb="decision.postponed")
    assert event.payload == {
        "deliberation": first.pk,
        "reason": reason,
        "withdrawn_unsigned_decision": None,
    }
    pv = jf.sign_all(first)
    assert pv.content["candidates"] == []
    assert [(p["candidacy"], p["reason"]) for p in pv.content["postponed"]] == [(vae.pk, reason)]
    vae.refresh_from_db()
    assert vae.status == CandidacyStatus.AWAITING_JURY  # waits for another jury
    # The oral, held before the VAE jury's members; then the same people decide.
    jf.evaluate(ops_version, vae, ["E13"], jurors=jury.profiles)
    second = jf.deliberation(ops_version, [vae], kind=JuryKind.VAE, members=jury)
    file = evidence.gather_one(second, vae)
    assert file.proposal.postpone == () and file.evidence.vae_oral_unheard == ()
    assert (file.proposal.kind, file.proposal.title) == (DecisionKind.TOTAL, True)
    decision = jf.decide_as_proposed(second, vae)
    jf.sign_all(second)
    vae.refresh_from_db()
    assert vae.status == CandidacyStatus.DECIDED and decision.title_awarded


def test_a_jury_that_did_not_hear_the_oral_decides_nothing(ops_version):
    vae = jf.ready_candidacy(ops_version, vae=True)  # oral held before vae.vae_jury
    others = jf.vae_jury(ops_version)
    deliberation = jf.deliberation(ops_version, [vae], kind=JuryKind.VAE, members=others)
    file = evidence.gather_one(deliberation, vae)
    names = [f"{user.get_full_name()} ({role.label})" for user, role, *_ in others]
    assert file.evidence.vae_oral_unheard == tuple(names)
    assert file.proposal.postpone[0].startswith(
        "Oral VAE entendu par d'autres personnes que ce jury : n'ont pas entendu le candidat "
        + ", ".join(names)
    )
    member = jf.member_users(deliberation)[0]
    for kind, blocks in ((DecisionKind.TOTAL, ALL), (DecisionKind.REFUSED, {})):
        with pytest.raises(JuryError) as caught:
            decisions.decide(deliberation, vae, blocks=blocks, kind=kind, reason="x", actor=member)
        assert caught.value.problems[0].startswith("Aucune décision possible : Oral VAE entendu")
    decisions.postpone(
        deliberation, vae, reason="Jury différent de celui qui a entendu l'oral.", actor=member
    )
    pv = minutes.close_deliberation(deliberation, actor=member)
    assert pv.content["postponed"][0]["candidacy"] == vae.pk


def test_a_decision_after_a_postponement_cancels_it_and_postponing_withdraws_a_decision(
    ops_version,
):
    vae = jf.ready_candidacy(ops_version, vae=True)
    deliberation = jf.deliberation(ops_version, [vae], kind=JuryKind.VAE)
    member = jf.member_users(deliberation)[0]
    decisions.postpone(deliberation, vae, reason="En attente d'une pièce.", actor=member)
    decision = jf.decide_as_proposed(deliberation, vae)
    entry = DeliberationCandidate.objects.get(deliberation=deliberation, candidacy=vae)
    assert entry.postponed_at is None and entry.postponement_reason == ""
    event = AuditEvent.objects.get(verb="decision.recorded", object_id=str(decision.pk))
    assert event.payload["cancels_postponement"] == "En attente d'une pièce."
    decisions.postpone(deliberation, vae, reason="Le jury préfère réentendre.", actor=member)
    assert not Decision.objects.filter(pk=decision.pk).exists()
    event = AuditEvent.objects.filter(verb="decision.postponed").latest("pk")
    assert event.payload["withdrawn_unsigned_decision"]["kind"] == decision.kind
