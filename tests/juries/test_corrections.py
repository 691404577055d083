"""Corrections: a signed decision is never edited; a correction is a new, reasoned decision
in a new deliberation with its own signed PV, and both stay in the candidate's history."""

from datetime import date

import pytest

from acquis.audit.models import AuditEvent
from acquis.juries import corrections, deliberations, minutes
from acquis.juries.enums import DecisionKind, DeliberationStatus
from acquis.juries.exceptions import JuryError
from acquis.juries.models import Decision, Deliberation, HeldBlock
from tests.conftest import PASSWORD
from tests.juries import factories as jf
from tests.juries.test_minutes import ON, awaiting, decided

pytestmark = pytest.mark.django_db
LATER = date(2026, 9, 1)
REASON = "Erreur matérielle : le bloc B1 était acquis (grille mal reportée)."


def signed_refusal(version):
    deliberation, (candidacy,) = decided(version)
    jf.sign_all(deliberation)
    return deliberation.decisions.get(), candidacy


def start(decision, **kw):
    return corrections.start_correction(
        decision,
        title=kw.pop("title", "Correction"),
        on=kw.pop("on", LATER),
        place=kw.pop("place", "Bron"),
        actor=kw.pop("actor", None),
    )


def compose_and_open(deliberation):
    for user, role, external, organisation in jf.jury_users(deliberation.certifier):
        deliberations.add_member(
            deliberation, user, role=role, external=external, organisation=organisation, actor=None
        )
    deliberations.open_deliberation(deliberation, actor=None)
    deliberation.refresh_from_db()
    return deliberation


def test_only_a_signed_decision_is_corrected(ops_version):
    deliberation, (candidacy,) = decided(ops_version)
    decision = deliberation.decisions.get()
    with pytest.raises(JuryError, match="n'est pas encore signée"):
        start(decision)
    assert Deliberation.objects.count() == 1


def test_a_correction_is_a_new_deliberation_with_the_candidacy(ops_version):
    decision, candidacy = signed_refusal(ops_version)
    old = decision.deliberation
    new = start(decision, title="Recours de juin")
    assert new.pk != old.pk
    assert (new.kind, new.version, new.certifier, new.status) == (
        old.kind,
        old.version,
        old.certifier,
        DeliberationStatus.PREPARED,
    )
    assert [e.candidacy for e in new.entries.all()] == [candidacy]
    assert not new.members.exists()  # its jury is composed as for any deliberation
    event = AuditEvent.objects.for_object(new).get(verb="deliberation.start_correction")
    assert event.payload["corrects"] == decision.pk
    assert corrections.corrected_decision(new, candidacy) == decision
    assert corrections.is_correction(new) and not corrections.is_correction(old)


def test_a_correction_cannot_predate_the_corrected_decision(ops_version):
    decision, _ = signed_refusal(ops_version)
    with pytest.raises(JuryError, match="ne peut précéder"):
        start(decision, on=date(2026, 1, 1))


def test_one_correction_at_a_time(ops_version):
    decision, candidacy = signed_refusal(ops_version)
    pending = start(decision)
    with pytest.raises(JuryError, match="figure déjà sur la délibération"):
        start(decision)
    assert Deliberation.objects.count() == 2
    assert pending.entries.count() == 1


def test_the_whole_correction_keeps_both_decisions(
    ops_version, django_capture_on_commit_callbacks, mailoutbox
):
    decision, candidacy = signed_refusal(ops_version)
    new = compose_and_open(start(decision))
    with pytest.raises(JuryError, match="motif de la correction est obligatoire"):
        corrections.decide_correction(
            new,
            candidacy,
            correction_reason=" ",
            blocks={},
            kind=DecisionKind.REFUSED,
            reason="x",
            actor=None,
        )
    correction = corrections.decide_correction(
        new,
        candidacy,
        correction_reason=REASON,
        blocks={},
        kind=DecisionKind.REFUSED,
        reason="Refus maintenu après examen du recours.",
        actor=jf.member_users(new)[0],
    )
    assert correction.corrects == decision
    pv = minutes.close_deliberation(new, actor=None)
    entry = pv.content["candidates"][0]["decision"]
    assert entry["corrects"]["id"] == decision.pk
    assert entry["corrects"]["reason"] == REASON
    with django_capture_on_commit_callbacks(execute=True):
        for user in jf.member_users(new):
            minutes.sign(pv, user, password=PASSWORD, actor=user)
    decision.refresh_from_db()
    correction.refresh_from_db()
    assert decision.frozen and correction.frozen  # both kept, both frozen
    assert list(Decision.objects.filter(candidacy=candidacy).order_by("pk")) == [
        decision,
        correction,
    ]
    assert corrections.latest_signed_decision(candidacy) == correction
    assert "Cette décision corrige la décision du" in mailoutbox[0].body
    with pytest.raises(JuryError, match="déjà été corrigée"):
        start(decision)


def test_a_correction_revokes_the_blocks_of_the_corrected_decision(
    ops_version, django_capture_on_commit_callbacks
):
    candidacy = jf.ready_candidacy(ops_version, not_acquired=("C3.2.1",))
    first = jf.decided_and_signed(ops_version, [candidacy], on=ON)
    decision = first.decisions.get()
    assert decision.kind == DecisionKind.PARTIAL
    held = set(HeldBlock.objects.filter(decision=decision).values_list("block_code", flat=True))
    assert held == {"B1", "B2", "B4"}
    new = compose_and_open(start(decision))
    correction = corrections.decide_correction(
        new,
        candidacy,
        correction_reason=REASON,
        blocks={"B1": True, "B2": True, "B3": False, "B4": False},
        kind=DecisionKind.PARTIAL,
        reason="Le bloc B4 n'était pas acquis : erreur de report.",
        further_evidence="Repasser les épreuves des blocs B3 et B4.",
        actor=None,
    )
    jf.sign_all(new)
    revoked = HeldBlock.objects.filter(decision=decision, revoked_by=correction)
    assert set(revoked.values_list("block_code", flat=True)) == {"B1", "B2", "B4"}
    current = HeldBlock.objects.filter(decision=correction, revoked_by__isnull=True)
    assert set(current.values_list("block_code", flat=True)) == {"B1", "B2"}


def test_a_decision_on_an_ordinary_deliberation_corrects_nothing(ops_version):
    deliberation, (candidacy,) = decided(ops_version)
    assert corrections.corrected_decision(deliberation, candidacy) is None
    with pytest.raises(JuryError, match="Aucune décision signée à corriger"):
        corrections.decide_correction(
            deliberation, candidacy, correction_reason=REASON, blocks={}, kind="refused", actor=None
        )
    other = awaiting(ops_version)
    assert corrections.corrected_decision(deliberation, other) is None


def test_record_chooses_between_a_decision_and_a_correction(ops_version):
    decision, candidacy = signed_refusal(ops_version)
    new = compose_and_open(start(decision))
    member = jf.member_users(new)[0]
    refused = {"blocks": {}, "kind": DecisionKind.REFUSED, "reason": "Refus maintenu."}
    with pytest.raises(JuryError, match="motif de la correction est obligatoire"):
        corrections.record(new, candidacy, **refused, correction_reason="", actor=member)
    assert not Decision.objects.filter(deliberation=new).exists()  # nothing written
    correction = corrections.record(
        new, candidacy, **refused, correction_reason=REASON, actor=member
    )
    assert correction.corrects == decision and correction.correction_reason == REASON
    # On an ordinary deliberation the same call is a plain decision.
    ordinary = jf.deliberation(ops_version, [other := awaiting(ops_version)], on=ON)
    plain = corrections.record(
        ordinary, other, **refused, correction_reason=REASON, actor=jf.member_users(ordinary)[0]
    )
    assert plain.corrects is None and plain.correction_reason == ""
