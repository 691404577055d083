"""A property of `decisions.decide` on real candidacies (hypothesis): whatever the jury
sends (a kind, some blocks), `decide` records it exactly when the rules permit it (the
oracle of test_engine.py, on the candidacy's gathered evidence), never a title or a block
the rules forbid, and the title it records is the rules' title.

The candidacies cover the situations of the rules: whole title ready, placement short,
memoir oral not taken, a free candidate with 0 days, a candidacy for one block, a block
held from an earlier partial validation, VAE without its oral, VAE heard by its jury.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acquis.juries import decisions, evidence
from acquis.juries.enums import DecisionKind, JuryKind
from acquis.juries.exceptions import JuryError
from acquis.juries.models import Decision
from tests.juries import factories as jf
from tests.juries.test_engine import KINDS, oracle_permits, oracle_title

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidacies(ops_version):
    partial = jf.ready_candidacy(ops_version, not_acquired=["C3.2.1"])
    jf.decided_and_signed(ops_version, [partial])
    certification = [
        jf.ready_candidacy(ops_version),
        jf.ready_candidacy(ops_version, placement_days=20),
        jf.ready_candidacy(ops_version, memoir_oral=None, not_acquired=["C2.1.1"]),
        jf.ready_candidacy(ops_version, free=True, placement_days=0),
        jf.ready_candidacy(ops_version, blocks=["B1"]),
        jf.new_candidacy(partial, evaluated_blocks=["B3"]),
    ]
    jury = jf.vae_jury(ops_version)
    vae = [
        jf.ready_candidacy(ops_version, vae=True, vae_oral=False, heard_by=jury),
        jf.ready_candidacy(ops_version, vae=True, heard_by=jury, not_acquired=["C4.1.1"]),
    ]
    return [
        (jf.deliberation(ops_version, certification), certification),
        (jf.deliberation(ops_version, vae, kind=JuryKind.VAE, members=jury), vae),
    ]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_decide_records_exactly_what_the_rules_permit(candidacies, data):
    deliberation, listed = data.draw(st.sampled_from(candidacies))
    candidacy = data.draw(st.sampled_from(listed))
    kind = data.draw(st.sampled_from(KINDS))
    file = evidence.gather_one(deliberation, candidacy)
    ev = file.evidence
    chosen = data.draw(st.sets(st.sampled_from(ev.registered_blocks)))
    blocks = {code: code in chosen for code in ev.registered_blocks}
    permitted = oracle_permits(ev, kind, chosen)
    try:
        decision = decisions.decide(
            deliberation,
            candidacy,
            blocks=blocks,
            kind=kind,
            reason="Motif du jury.",
            further_evidence="Compléments demandés.",
            actor=jf.member_users(deliberation)[0],
        )
    except JuryError as error:
        assert not permitted, error.problems
        return
    assert permitted
    decision = Decision.objects.get(pk=decision.pk)
    validated = {row.block.code for row in decision.blocks.all() if row.validated}
    assert validated == chosen <= set(ev.registered_blocks)
    assert decision.title_awarded == (kind == DecisionKind.TOTAL and oracle_title(ev, chosen))
