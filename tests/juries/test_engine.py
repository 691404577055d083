"""The decision engine, pure: property-based tests (hypothesis) and the French reasons.

The oracle below restates the rules independently of engine.py:
- a total validation iff the candidacy's scope is granted: the title for a candidacy for the
  title, every registered block (validated now or held before) for a candidacy for some
  blocks;
- the title iff a total validation with every required block held (validated now or held
  before: acquired for good) and the pathway's conditions met, whatever the scope;
- partial validation iff not total and at least one block is validated now or held;
- refusal iff no block at all;
- a partial validation's deadline is exactly `validity_years` after the deliberation
  (29 February -> 28 February), and no other decision has one;
- never a block outside the registered ones.
"""

import calendar
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from acquis.juries import engine
from acquis.juries.enums import DecisionKind
from acquis.juries.evidence_types import Evidence

REQUIRED = ("B1", "B2", "B3", "B4")
RESULTS = ("acquis", "non acquis", "incomplet")


@st.composite
def evidences(draw):
    on = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)))
    whole_title = draw(st.booleans())
    if whole_title:
        registered = REQUIRED
    else:
        chosen = draw(st.sets(st.sampled_from(REQUIRED), min_size=1))
        registered = tuple(code for code in REQUIRED if code in chosen)
    results = {
        code: value
        for code in registered
        if (value := draw(st.one_of(st.none(), st.sampled_from(RESULTS)))) is not None
    }
    held = frozenset(draw(st.sets(st.sampled_from(REQUIRED))))
    return Evidence(
        pathway=draw(st.sampled_from(["training", "vae", "free"])),
        deliberation_date=on,
        required_blocks=REQUIRED,
        registered_blocks=registered,
        whole_title=whole_title,
        block_results=results,
        held_blocks=held,
        placement_days=draw(st.integers(0, 60)),
        required_placement_days=draw(st.sampled_from([29, None])),
        memoir_oral_passed=draw(st.sampled_from([True, False, None])),
        vae_admissible=draw(st.booleans()),
        vae_file_complete=draw(st.booleans()),
        vae_oral_passed=draw(st.sampled_from([True, False, None])),
        validity_years=draw(st.sampled_from([5, 5, 5, 1, 3, 10])),
    )


def oracle_held(ev: Evidence) -> set[str]:
    return set(ev.held_blocks)  # acquired for good, whatever their age


def oracle_path_ok(ev: Evidence) -> bool:
    if ev.pathway == "vae":
        return ev.vae_admissible and ev.vae_file_complete and ev.vae_oral_passed is not False
    days_ok = (
        ev.pathway != "training"
        or ev.required_placement_days is None
        or ev.placement_days >= ev.required_placement_days
    )
    return days_ok and ev.memoir_oral_passed is True


@settings(max_examples=600)
@given(evidences())
def test_the_proposal_follows_the_rules(ev):
    proposal = engine.propose(ev)
    validated = {c for c in ev.registered_blocks if ev.block_results.get(c) == "acquis"}
    held = oracle_held(ev)
    # Never a block outside the registered ones; validated iff the result is "acquis".
    assert set(proposal.blocks) == set(ev.registered_blocks)
    assert {c for c, v in proposal.blocks.items() if v} == validated
    title_ok = all(c in validated | held for c in REQUIRED) and oracle_path_ok(ev)
    scope = title_ok if ev.whole_title else all(c in validated | held for c in ev.registered_blocks)
    assert (proposal.kind == DecisionKind.TOTAL) == scope
    assert proposal.title == (scope and title_ok)
    title = proposal.title
    assert (proposal.kind == DecisionKind.PARTIAL) == (not scope and bool(validated | held))
    assert (proposal.kind == DecisionKind.REFUSED) == (not scope and not validated and not held)
    # The reasons explain exactly when the title is not proposed.
    assert (proposal.reasons == ()) == title


@settings(max_examples=300)
@given(evidences())
def test_only_a_partial_validation_has_a_deadline_exactly_n_years_later(ev):
    proposal = engine.propose(ev)
    if proposal.kind != DecisionKind.PARTIAL:
        assert proposal.deadline is None
        return
    on, years = ev.deliberation_date, ev.validity_years
    deadline = proposal.deadline
    assert deadline.year == on.year + years
    if (on.month, on.day) == (2, 29) and not calendar.isleap(on.year + years):
        assert (deadline.month, deadline.day) == (2, 28)
    else:
        assert (deadline.month, deadline.day) == (on.month, on.day)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9000, 12, 31)), st.integers(0, 50))
def test_add_years_never_exceeds_the_anniversary(on, years):
    result = engine.add_years(on, years)
    assert result.year == on.year + years
    # Within the window: never a day past "n years after" (no spill into March).
    assert result.month == on.month
    assert 0 <= on.day - result.day <= 1


def test_29_february():
    assert engine.add_years(date(2028, 2, 29), 5) == date(2033, 2, 28)
    assert engine.add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert engine.add_years(date(2025, 3, 1), 5) == date(2030, 3, 1)


# --- the reasons, in French ----------------------------------------------------------------


def training(**overrides) -> Evidence:
    data = {
        "pathway": "training",
        "deliberation_date": date(2026, 6, 30),
        "required_blocks": REQUIRED,
        "registered_blocks": REQUIRED,
        "whole_title": True,
        "block_results": dict.fromkeys(REQUIRED, "acquis"),
        "placement_days": 29,
        "required_placement_days": 29,
        "memoir_oral_passed": True,
    }
    return Evidence(**(data | overrides))


def test_everything_held_proposes_the_title():
    proposal = engine.propose(training())
    assert proposal.kind == DecisionKind.TOTAL
    assert proposal.blocks == dict.fromkeys(REQUIRED, True)
    assert proposal.deadline is None


def test_placement_days_short_gives_a_partial_validation_with_the_count():
    proposal = engine.propose(training(placement_days=20))
    assert proposal.kind == DecisionKind.PARTIAL
    assert proposal.deadline == date(2031, 6, 30)
    assert proposal.reasons == (
        "Période de mise en application professionnelle : 20 jours sur 29 exigés.",
    )


def test_memoir_oral_not_taken_or_failed():
    assert engine.propose(training(memoir_oral_passed=None)).reasons == (
        "Soutenance orale du mémoire : pas encore passée.",
    )
    assert engine.propose(training(memoir_oral_passed=False)).reasons == (
        "Soutenance orale du mémoire : non réussie.",
    )


def test_free_candidates_need_the_memoir_oral_but_not_the_placement():
    free = training(pathway="free", placement_days=0)
    assert engine.propose(free).kind == DecisionKind.TOTAL
    assert engine.propose(training(pathway="free", memoir_oral_passed=None)).kind == "partial"


def test_missing_blocks_are_named_with_their_result():
    results = {"B1": "acquis", "B2": "acquis", "B3": "non acquis"}
    proposal = engine.propose(training(block_results=results))
    assert proposal.kind == DecisionKind.PARTIAL
    assert proposal.blocks == {"B1": True, "B2": True, "B3": False, "B4": False}
    assert proposal.reasons == (
        "Bloc(s) exigé(s) pour le titre non détenu(s) : B3 (non acquis), B4 (sans résultat).",
    )


def test_blocks_held_before_complete_the_title_whatever_their_age():
    # A validated block is acquired for good: held blocks count years after the deadline
    # for a new validation request (the evidence carries no date for them).
    results = {"B1": "incomplet", "B2": "incomplet", "B3": "acquis", "B4": "incomplet"}
    held = frozenset({"B1", "B2", "B4"})
    proposal = engine.propose(training(block_results=results, held_blocks=held))
    assert proposal.kind == DecisionKind.TOTAL
    assert proposal.blocks == {"B1": False, "B2": False, "B3": True, "B4": False}


def test_held_blocks_alone_give_a_partial_validation_not_a_refusal():
    results = dict.fromkeys(REQUIRED, "non acquis")
    assert engine.propose(training(block_results=results)).kind == DecisionKind.REFUSED
    held = engine.propose(training(block_results=results, held_blocks=frozenset({"B1"})))
    assert held.kind == DecisionKind.PARTIAL


def test_a_candidacy_for_some_blocks_that_gets_them_all_is_a_total_validation():
    # "Le jury peut également ne valider qu'un ou plusieurs blocs de manière distincte":
    # a total validation of what the candidacy registered for, without the title.
    ev = training(whole_title=False, registered_blocks=("B1",))
    proposal = engine.propose(ev)
    assert proposal.kind == DecisionKind.TOTAL and not proposal.title
    assert proposal.blocks == {"B1": True}
    assert proposal.deadline is None
    assert proposal.reasons == (
        "Le titre n'est pas attribué : bloc(s) exigé(s) pour le titre non détenu(s) : "
        "B2 (non visé), B3 (non visé), B4 (non visé).",
    )
    partial = engine.propose(
        training(whole_title=False, registered_blocks=("B1", "B2"), block_results={"B1": "acquis"})
    )
    assert partial.kind == DecisionKind.PARTIAL
    assert partial.reasons == (
        "Bloc(s) visé(s) par la candidature non validé(s) : B2 (sans résultat).",
    )


def test_the_last_missing_block_completes_the_title():
    ev = training(
        whole_title=False, registered_blocks=("B1", "B2"), held_blocks=frozenset({"B3", "B4"})
    )
    proposal = engine.propose(ev)
    assert proposal.kind == DecisionKind.TOTAL and proposal.title
    assert set(proposal.blocks) == {"B1", "B2"}
    assert proposal.reasons == ()


def test_vae_conditions():
    vae = training(pathway="vae", placement_days=0, memoir_oral_passed=None, vae_admissible=True)
    assert engine.propose(vae).reasons == (
        "Dossier de validation : il n'a pas été déclaré complet.",
    )
    complete = training(
        pathway="vae", vae_admissible=True, vae_file_complete=True, memoir_oral_passed=None
    )
    assert engine.propose(complete).kind == DecisionKind.TOTAL
    failed = engine.propose(training(pathway="vae", vae_file_complete=True, vae_oral_passed=False))
    assert failed.reasons == (
        "Recevabilité : la demande VAE n'a pas été déclarée recevable.",
        "Oral de présentation du dossier de validation : non réussi.",
    )
