"""evidence.gather: the candidate files of a deliberation, batched (constant query count)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from acquis.evaluations.consolidation import latest_competency_results, proposed_block_results
from acquis.juries import evidence
from acquis.juries.enums import DecisionKind, JuryKind
from tests.juries import factories as jf

pytestmark = pytest.mark.django_db


def test_files_in_list_order_with_the_evidence(ops_version):
    full = jf.ready_candidacy(ops_version)
    short = jf.ready_candidacy(ops_version, placement_days=20, not_acquired=["C3.2.1"])
    free = jf.ready_candidacy(ops_version, free=True, blocks=["B1"], memoir_oral=False)
    deliberation = jf.deliberation(ops_version, [short, free, full])
    files = evidence.gather(deliberation)
    assert [f.candidacy for f in files] == [short, free, full]
    first, second, third = files
    assert (first.placement_days, first.required_placement_days) == (20, 29)
    assert first.evidence.block_results == {
        "B1": "acquis",
        "B2": "acquis",
        "B3": "non acquis",
        "B4": "acquis",
    }
    assert first.memoir.submitted and first.memoir.oral.outcome is True
    assert first.proposal.kind == DecisionKind.PARTIAL
    assert first.proposal.reasons == (
        "Bloc(s) exigé(s) pour le titre non détenu(s) : B3 (non acquis).",
        "Période de mise en application professionnelle : 20 jours sur 29 exigés.",
    )
    b3 = first.blocks[2]
    assert (b3.block.code, b3.status, b3.proposed) == ("B3", "non acquis", False)
    assert [c.code for c in b3.result.not_acquired] == ["C3.2"]
    # A free candidate: the placement and the memoir are required as of anyone (rule 3).
    assert (second.placement_days, second.required_placement_days) == (29, 29)
    assert second.placement_attestation and second.memoir.confirmed
    assert second.evidence.memoir_oral_passed is False
    assert [row.block.code for row in second.blocks] == ["B1"]
    # B1 acquired: the whole scope is granted, a total validation of B1, not the title.
    assert second.proposal.kind == DecisionKind.TOTAL and not second.proposal.title
    assert third.proposal.kind == DecisionKind.TOTAL
    assert third.decision is None and third.vae is None
    assert [oral.slot.assessment.code for oral in third.final_orals] == ["E12"]


def test_the_recorded_decision_is_in_the_file(ops_version):
    short = jf.ready_candidacy(ops_version, not_acquired=["C3.2.1"])
    deliberation = jf.deliberation(ops_version, [short])
    decision = jf.decide_as_proposed(deliberation, short)
    file = evidence.gather_one(deliberation, short)
    assert file.decision == decision
    assert [(bd.block.code, bd.validated) for bd in file.block_decisions] == [
        ("B1", True),
        ("B2", True),
        ("B3", False),
        ("B4", True),
    ]
    assert file.blocks[2].decision.validated is False
    assert not file.departs


def test_vae_evidence(ops_version):
    vae = jf.ready_candidacy(ops_version, vae=True, not_acquired=["C4.1.1"])
    deliberation = jf.deliberation(ops_version, [vae], kind=JuryKind.VAE)
    file = evidence.gather_one(deliberation, vae)
    assert file.vae.admissible and file.vae.file_complete
    assert file.vae.oral.slot.assessment.code == "E13"
    assert file.evidence.vae_oral_passed is True
    assert file.evidence.memoir_oral_passed is True  # no memoir oral on the VAE path
    assert file.proposal.blocks == {"B1": True, "B2": True, "B3": True, "B4": False}
    assert file.proposal.kind == DecisionKind.PARTIAL


def test_batched_results_agree_with_the_consolidation_helpers(ops_version):
    candidacies = [
        jf.ready_candidacy(ops_version),
        jf.ready_candidacy(ops_version, not_acquired=["C2.5.1", "C4.6.1"]),
        jf.ready_candidacy(ops_version, evaluated_blocks=["B1", "B4"]),
        jf.ready_candidacy(ops_version, blocks=["B2", "B3"], not_acquired=["C3.4.1"]),
    ]
    deliberation = jf.deliberation(ops_version, candidacies)
    for file in evidence.gather(deliberation):
        expected = proposed_block_results(file.candidacy)
        assert [(r.block.code, r.status) for r in file.blocks] == [
            (p.block.code, p.status) for p in expected
        ]
        latest = latest_competency_results(file.candidacy)
        for row, proposal in zip(file.blocks, expected, strict=True):
            assert [(c.pk, r and r.pk) for c, r in row.result.rows] == [
                (c.pk, r and r.pk) for c, r in proposal.rows
            ]
            assert all(latest.get(c.pk) == r for c, r in row.result.rows)


def _cohort(version, size, *, holding, decided):
    """`size` candidacies: `holding` of them hold blocks from a signed partial validation,
    `decided` have a decision recorded, the others took the sittings of B1 only."""
    earlier = [jf.ready_candidacy(version, not_acquired=["C3.2.1"]) for _ in range(holding)]
    jf.decided_and_signed(version, earlier)
    again = [jf.new_candidacy(c, evaluated_blocks=["B3"]) for c in earlier]
    others = [jf.ready_candidacy(version, evaluated_blocks=["B1"]) for _ in range(size - holding)]
    deliberation = jf.deliberation(version, [*again, *others])
    for candidacy in others[:decided]:
        jf.decide_as_proposed(deliberation, candidacy)
    return deliberation


def _queries(deliberation) -> int:
    seen = []
    with CaptureQueriesContext(connection) as captured:
        for file in evidence.gather(deliberation):  # everything the screen reads
            seen += [(r.block.code, r.status, r.held, r.decision) for r in file.blocks]
            seen += [(c.code, r and r.acquired) for r in file.blocks for c, r in r.result.rows]
            seen += [(h.block.code, h.decision.deliberation.date) for h in file.held]
            seen += [(bd.block.code, bd.validated) for bd in file.block_decisions]
            seen += [o.slot.assessment.code for o in file.final_orals]
            seen += [file.candidate.full_name, file.memoir.submitted, file.departs]
            seen += [file.decision and file.decision.decided_by]
    assert seen
    return len(captured)


def test_constant_number_of_queries(ops_version):
    small = _queries(_cohort(ops_version, 2, holding=1, decided=1))
    large_deliberation = _cohort(ops_version, 12, holding=3, decided=4)
    assert len(evidence.gather(large_deliberation)) == 12
    assert _queries(large_deliberation) == small
