"""The panel's consolidation: divergences, the competency rule, departures, block proposals."""

import pytest

from acquis.audit.models import AuditEvent
from acquis.audit.services import verify_chain
from acquis.evaluations import consolidation as c
from acquis.evaluations import grids
from acquis.evaluations.enums import SlotStatus
from acquis.evaluations.exceptions import EvaluationError
from acquis.evaluations.models import CompetencyResult, ConsolidatedMark, Consolidation, GridMark
from acquis.referential.models import CertificationVersion
from tests import consolidation_factories as cf
from tests import evaluation_factories as ef
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def e1(ops_version):
    (slot,) = cf.held_slots(ops_version, ef.started_candidacy(ops_version))
    anne, paul = cf.assessors(slot)
    return slot, anne, paul


def _codes(items):
    return [item.code for item in items]


def _mark_rows(grid):
    return list(GridMark.objects.filter(grid=grid).values_list("acquired", "comment", "revision"))


def test_refused_while_a_grid_is_missing_naming_the_juror(e1):
    slot, anne, paul = e1
    cf.submit(slot, anne)
    grids.ensure_grid(slot, paul)  # opened, still a draft
    view = c.panel_view(slot)
    assert not view.ready and view.missing == [paul] and view.groups == []
    with pytest.raises(EvaluationError, match=r"grille non remise par Paul Pro\.$"):
        c.consolidate(slot, marks={}, actor=anne.user)
    slot.refresh_from_db()
    assert slot.status == SlotStatus.SCHEDULED and not Consolidation.objects.exists()


def test_divergences_are_detected_and_the_unanimous_value_proposed(e1):
    slot, anne, paul = e1
    cf.submit(slot, anne, not_acquired=["C1.1.2"])
    cf.submit(slot, paul, not_acquired=["C1.1.2", "C1.1.5"])
    view = c.panel_view(slot)
    assert view.ready and [g.competency.code for g in view.groups] == ["C1.1"]
    rows = {row.criterion.code: row for row in view.groups[0].rows}
    assert list(rows) == [f"C1.1.{i}" for i in range(1, 7)]  # grid order
    assert [code for code, row in rows.items() if row.divergent] == ["C1.1.5"]
    assert rows["C1.1.5"].proposed is None
    assert [(m.juror, m.acquired) for m in rows["C1.1.5"].marks] == [(paul, False), (anne, True)]
    assert rows["C1.1.2"].proposed is False and rows["C1.1.1"].proposed is True
    assert view.divergences == 1 and view.groups[0].proposed_by_rule is None
    assert all(item.intact for item in view.grids)


def test_a_divergent_criterion_needs_a_decision_and_a_comment(e1):
    slot, anne, paul = e1
    cf.submit(slot, anne)
    cf.submit(slot, paul, not_acquired=["C1.1.5"])
    marks = cf.proposed_marks(slot)  # C1.1.5: no value (divergent)
    with pytest.raises(EvaluationError) as exc:
        c.consolidate(slot, marks=marks, actor=anne.user)
    assert exc.value.problems == ["Critère C1.1.5 : indiquez la décision du jury (acquis ou non)."]
    marks = cf.proposed_marks(slot, C1_1_5=(True, "  "))
    with pytest.raises(EvaluationError) as exc:
        c.consolidate(slot, marks=marks, actor=anne.user)
    assert exc.value.problems == [
        "Critère C1.1.5 : les évaluateurs divergent ; motivez la décision du jury dans le "
        "commentaire."
    ]
    assert not Consolidation.objects.exists()
    marks = cf.proposed_marks(slot, C1_1_5=(True, "Réponses claires après relance."))
    result = c.consolidate(slot, marks=marks, actor=anne.user)
    mark = result.marks.get(criterion__code="C1.1.5")
    assert (mark.acquired, mark.divergent, mark.comment) == (
        True,
        True,
        "Réponses claires après relance.",
    )
    assert result.marks.filter(divergent=False).count() == 5


def test_overriding_the_jurors_unanimous_mark_needs_a_comment(e1):
    slot, anne, _ = e1
    cf.submit_all(slot)
    marks = cf.proposed_marks(slot, C1_1_3=(False, ""))
    with pytest.raises(EvaluationError) as exc:
        c.consolidate(slot, marks=marks, actor=anne.user)
    assert exc.value.problems == [
        "Critère C1.1.3 : le jury s'écarte de l'avis unanime des évaluateurs ; motivez-le "
        "dans le commentaire."
    ]


def test_competency_follows_the_rule_all_criteria_acquired(e1):
    slot, anne, _ = e1
    cf.submit_all(slot, not_acquired=["C1.1.4"])
    result = c.consolidate(slot, marks=cf.proposed_marks(slot), actor=anne.user)
    (competency,) = result.competency_results.select_related("competency")
    assert competency.competency.code == "C1.1"
    assert (competency.acquired, competency.by_rule, competency.reason) == (False, False, "")
    assert result.outcome is None and result.outcome_by_rule is None


def test_departing_from_the_rule_needs_a_reason_naming_the_competency(e1):
    slot, anne, _ = e1
    cf.submit_all(slot, not_acquired=["C1.1.4"])
    competency = slot.assessment.competencies.get(code="C1.1")
    marks = cf.proposed_marks(slot)
    with pytest.raises(EvaluationError) as exc:
        c.consolidate(slot, marks=marks, competencies={competency.pk: (True, " ")}, actor=None)
    assert exc.value.problems == [
        "Compétence C1.1 : la déclarer acquise s'écarte de la règle (tous les critères "
        "acquis) ; indiquez le motif de l'écart."
    ]
    assert not Consolidation.objects.exists() and not CompetencyResult.objects.exists()
    reason = "Vocabulaire un peu technique, sans gêne pour le public : compétence démontrée."
    result = c.consolidate(
        slot, marks=marks, competencies={competency.pk: (True, reason)}, actor=anne.user
    )
    row = result.competency_results.get()
    assert (row.acquired, row.by_rule, row.reason) == (True, False, reason)
    event = AuditEvent.objects.get(verb="slot.consolidate")
    assert event.payload["departures"] == ["C1.1"]
    assert event.payload["competencies"] == {"C1.1": True}


def test_an_unknown_competency_rule_is_an_error(e1):
    slot, anne, _ = e1
    cf.submit_all(slot)
    CertificationVersion.objects.filter(pk=slot.session.version_id).update(
        rules={**slot.session.version.rules, "competency_rule": "majority"}
    )
    with pytest.raises(EvaluationError, match="Règle inconnue : .*« majority »"):
        c.consolidate(slot, marks=cf.proposed_marks(slot), actor=anne.user)


def test_the_consolidation_is_audited_with_the_hashes_and_grids_stay_intact(e1):
    slot, anne, paul = e1
    cf.submit(slot, anne)
    cf.submit(slot, paul, not_acquired=["C1.1.6"])
    grid_a, grid_p = (slot.grids.get(juror=j) for j in (anne, paul))
    before = [_mark_rows(grid_a), _mark_rows(grid_p)]
    marks = cf.proposed_marks(slot, C1_1_6=(False, "Support peu lisible au fond de la salle."))
    result = c.consolidate(slot, marks=marks, actor=paul.user)
    slot.refresh_from_db()
    assert slot.status == SlotStatus.CONSOLIDATED
    assert result.recorded_by == paul.user and result.marks.count() == 6
    event = AuditEvent.objects.get(verb="slot.consolidate")
    assert (event.from_state, event.to_state) == ("scheduled", "consolidated")
    assert event.actor == paul.user and event.object_id == str(slot.pk)
    payload = event.payload
    assert payload["sha256"] == c.consolidation_digest(result) and len(payload["sha256"]) == 64
    assert payload["grids"] == {
        str(anne.pk): grid_a.content_hash,
        str(paul.pk): grid_p.content_hash,
    }
    assert (payload["criteria"], payload["divergent"], payload["not_acquired"]) == (6, 1, 1)
    assert [_mark_rows(grid_a), _mark_rows(grid_p)] == before
    assert grids.is_intact(grid_a) and grids.is_intact(grid_p)
    assert verify_chain().ok
    # The recorded rows still hash to the audited digest; an altered row does not.
    ConsolidatedMark.objects.filter(consolidation=result, criterion__code="C1.1.6").update(
        acquired=True
    )
    assert c.consolidation_digest(result) != payload["sha256"]


def test_a_second_consolidation_is_refused(e1):
    slot, anne, paul = e1
    cf.consolidate_all(slot, actor=anne.user)
    with pytest.raises(EvaluationError, match="déjà un résultat consolidé .* par Anne Rep"):
        c.consolidate(slot, marks=cf.proposed_marks(slot), actor=paul.user)
    assert Consolidation.objects.count() == 1
    assert AuditEvent.objects.filter(verb="slot.consolidate").count() == 1


def test_refused_outside_an_opened_session_or_for_an_absent_candidate(ops_version):
    candidacy = ef.started_candidacy(ops_version)
    session = ef.session(ops_version)
    slot = ef.slot(session, candidacy)
    with pytest.raises(EvaluationError, match="session ouverte .*« Planifiée »"):
        c.consolidate(slot, marks={}, actor=None)
    (absent,) = cf.held_slots(ops_version, ef.started_candidacy(ops_version))
    cf.submit_all(absent)
    from acquis.evaluations import planning

    planning.move_slot(absent, SlotStatus.ABSENT_EXCUSED, actor=None)
    with pytest.raises(EvaluationError, match="le créneau est « Absence excusée »"):
        c.consolidate(absent, marks=cf.proposed_marks(absent), actor=None)


def test_a_memoir_oral_gets_an_outcome_by_the_rule_or_a_reasoned_departure(ops_version):
    candidacy = ef.started_candidacy(ops_version, memoir_checked=True)
    (slot,) = cf.held_slots(ops_version, candidacy, codes=("E12",))
    cf.submit_all(slot, not_acquired=["E12.6"])
    view = c.panel_view(slot)
    assert view.own_criteria and [g.competency for g in view.groups] == [None]
    marks = cf.proposed_marks(slot)
    with pytest.raises(EvaluationError) as exc:
        c.consolidate(slot, marks=marks, outcome=True, actor=None)
    assert exc.value.problems == [
        "Résultat de l'épreuve E12 : la déclarer réussie s'écarte de la règle (tous les "
        "critères acquis) ; indiquez le motif de l'écart."
    ]
    reason = "Ajustements présentés à l'oral, absents de l'écrit : partie jugée suffisante."
    result = c.consolidate(slot, marks=marks, outcome=True, outcome_reason=reason, actor=None)
    assert (result.outcome, result.outcome_by_rule, result.outcome_reason) == (True, False, reason)
    assert not result.competency_results.exists()
    assert c.final_oral_results(candidacy) == [result]


def test_a_memoir_oral_all_acquired_passes_by_the_rule(ops_version):
    candidacy = ef.started_candidacy(ops_version, memoir_checked=True)
    (slot,) = cf.held_slots(ops_version, candidacy, codes=("E12",))
    result = cf.consolidate_all(slot)
    assert (result.outcome, result.outcome_by_rule, result.outcome_reason) == (True, True, "")


def test_a_sitting_has_no_global_outcome(e1):
    slot, anne, _ = e1
    cf.submit_all(slot)
    with pytest.raises(EvaluationError) as exc:
        c.consolidate(slot, marks=cf.proposed_marks(slot), outcome=True, actor=None)
    assert exc.value.problems == [
        "Résultat de l'épreuve : cette épreuve se conclut par ses compétences, pas par un "
        "résultat global."
    ]


def test_the_vae_oral_gives_results_to_the_competencies_of_the_chosen_blocks(ops_version):
    vae = factories.candidacy(
        ops_version, vae=True, admissible=True, file_complete=True, blocks=["B3"]
    )
    (slot,) = cf.held_slots(ops_version, vae, codes=("E13",))
    result = cf.consolidate_all(slot, not_acquired=["C3.2.1"])
    results = dict(result.competency_results.values_list("competency__code", "acquired"))
    assert results == {"C3.1": True, "C3.2": False, "C3.3": True, "C3.4": True}
    assert result.outcome is None
    (proposal,) = c.proposed_block_results(vae)
    assert proposal.status == "non acquis" and _codes(proposal.not_acquired) == ["C3.2"]


def test_block_proposals_acquired_not_acquired_and_incomplete(ops_version):
    candidacy = ef.started_candidacy(ops_version, blocks=["B1"])
    e1, e2 = cf.held_slots(ops_version, candidacy, codes=("E1", "E2"))
    cf.consolidate_all(e1)
    (b1,) = c.proposed_block_results(candidacy)
    assert b1.block.code == "B1" and b1.status == "incomplet"
    assert b1.missing_codes == "C1.2, C1.3, C1.4, C1.5"
    assert [r.acquired for _, r in b1.rows if r] == [True]
    cf.consolidate_all(e2)
    (b1,) = c.proposed_block_results(candidacy)
    assert b1.status == "acquis" and not b1.missing
    assert set(c.latest_competency_results(candidacy)) == {
        comp.pk for comp in b1.block.competencies.all()
    }

    other = ef.started_candidacy(ops_version, blocks=["B1"])
    e1, e2 = cf.held_slots(ops_version, other, codes=("E1", "E2"))
    cf.consolidate_all(e1)
    cf.consolidate_all(e2, not_acquired=["C1.3.1"])
    (b1,) = c.proposed_block_results(other)
    assert b1.status == "non acquis" and _codes(b1.not_acquired) == ["C1.3"]


def test_a_not_acquired_competency_makes_the_block_not_acquired_even_if_incomplete(ops_version):
    candidacy = ef.started_candidacy(ops_version, blocks=["B1", "B2"])
    (e1,) = cf.held_slots(ops_version, candidacy, codes=("E1",))
    cf.consolidate_all(e1, not_acquired=["C1.1.1"])
    b1, b2 = c.proposed_block_results(candidacy)
    assert (b1.block.code, b1.status) == ("B1", "non acquis")
    assert (b2.block.code, b2.status) == ("B2", "incomplet") and len(b2.missing) == 9


def test_the_latest_result_of_a_competency_counts(ops_version):
    """A competency assessed again (VAE oral after a sitting): the latest result counts."""
    vae = factories.candidacy(
        ops_version, vae=True, admissible=True, file_complete=True, blocks=["B3"]
    )
    (first,) = cf.held_slots(ops_version, vae, codes=("E13",))
    cf.consolidate_all(first, not_acquired=["C3.2.1"])
    older = c.latest_competency_results(vae)
    c3_2 = next(r for r in older.values() if r.competency.code == "C3.2")
    assert c3_2.acquired is False
    # A later consolidation of the same competency (recorded afterwards) replaces it.
    later = CompetencyResult.objects.get(pk=c3_2.pk)
    later.pk = None
    later.acquired, later.by_rule = True, True
    later.consolidation = Consolidation.objects.create(
        slot=cf.held_slots(ops_version, ef.started_candidacy(ops_version), codes=("E7",))[0],
        recorded_at=c3_2.consolidation.recorded_at.replace(year=2099),
    )
    later.save()
    assert c.latest_competency_results(vae)[c3_2.competency_id].pk == later.pk


def test_an_unknown_block_rule_is_an_error(ops_version):
    candidacy = ef.started_candidacy(ops_version, blocks=["B1"])
    CertificationVersion.objects.filter(pk=ops_version.pk).update(
        rules={**ops_version.rules, "block_rule": "three_quarters"}
    )
    candidacy.refresh_from_db()
    candidacy.version.refresh_from_db()
    with pytest.raises(EvaluationError, match="Règle inconnue : .*« three_quarters »"):
        c.proposed_block_results(candidacy)


def test_a_grid_altered_after_submission_blocks_the_consolidation(e1):
    slot, anne, paul = e1
    cf.submit_all(slot)
    GridMark.objects.filter(grid__juror=paul, criterion__code="C1.1.2").update(acquired=False)
    view = c.panel_view(slot)
    assert [item.intact for item in view.grids] == [False, True]  # Paul Pro, Anne Rep
    with pytest.raises(EvaluationError, match="la grille de Paul Pro ne correspond plus"):
        c.consolidate(slot, marks=cf.proposed_marks(slot, C1_1_2=(True, "x")), actor=None)
    assert not Consolidation.objects.exists()
