"""The ledger of held blocks: rows at signature, acquired for good, revocation, new
candidacies, and the deadlines for a new validation request."""

from datetime import date, timedelta

import pytest

from acquis.audit.models import AuditEvent
from acquis.juries import decisions, evidence, ledger
from acquis.juries.engine import add_years
from acquis.juries.enums import DecisionKind
from acquis.juries.exceptions import JuryError
from acquis.juries.models import Decision, HeldBlock
from tests.juries import factories as jf

pytestmark = pytest.mark.django_db

B3_FAILED = ["C3.2.1"]


def codes(rows) -> list[str]:
    return sorted(row.block_code for row in rows)


@pytest.fixture
def signed(ops_version):
    """Three decisions signed: total, partial (B3 not acquired), refusal."""
    total = jf.ready_candidacy(ops_version)
    partial = jf.ready_candidacy(ops_version, not_acquired=B3_FAILED)
    refused = jf.ready_candidacy(ops_version, not_acquired=["C1.1.1", "C2.1.1", "C3.2.1", "C4.1.1"])
    deliberation = jf.decided_and_signed(ops_version, [total, partial, refused])
    return deliberation, total, partial, refused


def test_rows_written_at_signature(signed, ops_version):
    deliberation, total, partial, refused = signed
    certification = ops_version.certification
    on = deliberation.date
    title = ledger.held_blocks(total.candidate, certification)
    assert codes(title) == ["B1", "B2", "B3", "B4"]
    held = ledger.held_blocks(partial.candidate, certification)
    assert codes(held) == ["B1", "B2", "B4"]
    assert {row.granted_on for row in held} == {on}
    assert {row.decision.kind for row in held} == {DecisionKind.PARTIAL}
    # The partial validation keeps its deadline for a new validation request.
    assert {row.decision.deadline for row in held} == {add_years(on, 5)}
    assert {ledger.state(row) for row in held} == {"acquis définitivement"}
    assert ledger.held_blocks(refused.candidate, certification) == []


def test_recording_is_idempotent_and_refused_before_signature(signed, ops_version):
    _, _, partial, _ = signed
    decision = Decision.objects.get(candidacy=partial)
    events = AuditEvent.objects.count()
    assert ledger.record_held_blocks(decision, actor=None) == []
    assert HeldBlock.objects.filter(decision=decision).count() == 3
    assert AuditEvent.objects.count() == events
    open_one = jf.ready_candidacy(ops_version)
    deliberation = jf.deliberation(ops_version, [open_one])
    unsigned = jf.decide_as_proposed(deliberation, open_one)
    with pytest.raises(JuryError) as caught:
        ledger.record_held_blocks(unsigned, actor=None)
    assert "qu'à la signature de son procès-verbal" in str(caught.value)
    assert not HeldBlock.objects.filter(decision=unsigned).exists()


def test_a_new_candidacy_starts_from_the_held_blocks(signed, ops_version):
    _, _, partial, _ = signed
    # Within 5 years: only the B3 sittings taken again (and the memoir oral).
    again = jf.new_candidacy(partial, evaluated_blocks=["B3"])
    deliberation = jf.deliberation(ops_version, [again])
    file = evidence.gather_one(deliberation, again)
    assert sorted(file.evidence.held_blocks) == ["B1", "B2", "B4"]
    assert [(row.block.code, row.status, row.held) for row in file.blocks] == [
        ("B1", "incomplet", True),
        ("B2", "incomplet", True),
        ("B3", "acquis", False),
        ("B4", "incomplet", True),
    ]
    assert file.proposal.kind == DecisionKind.TOTAL
    decision = jf.decide_as_proposed(deliberation, again)
    assert list(
        decision.blocks.order_by("block__position").values_list("validated", "held_before")
    ) == [(False, True), (False, True), (True, False), (False, True)]
    jf.sign_all(deliberation)
    rows = HeldBlock.objects.filter(decision=decision)
    assert codes(rows) == ["B1", "B2", "B3", "B4"]


def test_held_blocks_still_count_after_the_deadline_for_a_new_request(signed, ops_version):
    # Validated blocks are acquired for good: a candidate who registers again after the
    # 5 years still starts from them (the deadline is for a new validation request only).
    first, _, partial, _ = signed
    again = jf.new_candidacy(partial, evaluated_blocks=["B3"])
    late = jf.deliberation(ops_version, [again], on=add_years(first.date, 9))
    file = evidence.gather_one(late, again)
    assert file.evidence.held_blocks == frozenset({"B1", "B2", "B4"})
    assert file.proposal.kind == DecisionKind.TOTAL


def test_a_correction_revokes_the_corrected_rows(signed, ops_version):
    _, _, partial, _ = signed
    old = Decision.objects.get(candidacy=partial)
    deliberation = jf.correction(old)
    # The corrected decision's own blocks are not evidence for its correction.
    file = evidence.gather_one(deliberation, partial)
    assert file.evidence.held_blocks == frozenset()
    new = decisions.decide(
        deliberation,
        partial,
        blocks={"B1": True, "B2": True, "B3": True, "B4": True},
        kind="total",
        reason="C3.2 était acquise : erreur de report.",
        corrects=old,
        correction_reason="Erreur matérielle.",
        actor=jf.member_users(deliberation)[0],
    )
    jf.sign_all(deliberation)
    old_rows = HeldBlock.objects.filter(decision=old)
    assert {row.revoked_by_id for row in old_rows} == {new.pk}
    certification = ops_version.certification
    current = ledger.held_blocks(partial.candidate, certification)
    assert {row.decision_id for row in current} == {new.pk}
    history = ledger.history(partial.candidate)
    assert len(history) == 7  # 3 revoked + 4 new, nothing deleted
    assert sorted({ledger.state(row) for row in history}) == [
        "acquis définitivement",
        "annulé (correction)",
    ]
    event = AuditEvent.objects.filter(verb="ledger.recorded", object_id=str(new.pk)).get()
    assert sorted(event.payload["revoked"]) == ["B1", "B2", "B4"]


def test_new_validation_deadlines_within_six_months(signed, ops_version, other_certifier):
    first, total, partial, _ = signed
    certifier = ops_version.certification.owner
    deadline = add_years(first.date, 5)
    soon = deadline - timedelta(days=100)
    rows = list(ledger.new_validation_deadlines(certifier, on=soon))
    assert [(row.candidacy_id, row.deadline) for row in rows] == [(partial.pk, deadline)]
    assert list(ledger.new_validation_deadlines(certifier, on=deadline - timedelta(200))) == []
    assert list(ledger.new_validation_deadlines(certifier, on=deadline + timedelta(1))) == []
    assert list(ledger.new_validation_deadlines(other_certifier, on=soon)) == []


def test_a_candidate_registered_again_is_not_listed(signed, ops_version):
    first, _, partial, _ = signed
    jf.new_candidacy(partial, evaluated_blocks=["B3"], to_jury=False)
    certifier = ops_version.certification.owner
    soon = add_years(first.date, 5) - timedelta(days=30)
    assert list(ledger.new_validation_deadlines(certifier, on=soon)) == []


def test_history_of_a_refused_candidate_is_empty(signed):
    *_, refused = signed
    assert ledger.history(refused.candidate) == []


def test_new_validation_deadline_on_29_february(ops_version):
    leap = date(2028, 2, 29)
    candidacy = jf.ready_candidacy(ops_version, not_acquired=B3_FAILED)
    deliberation = jf.decided_and_signed(ops_version, [candidacy], on=leap)
    assert Decision.objects.get(deliberation=deliberation).deadline == date(2033, 2, 28)
