"""The decision engine, pure: property-based tests (hypothesis) and the French reasons.

The oracle below restates the rules independently of engine.py, as the set of decisions
the rules permit for a candidacy (a kind and the blocks validated now):
- VAE: no validation (total or partial) without admissibility, a complete validation file
  and the oral taken; a jury with a member who did not hear the oral decides nothing;
- a total validation iff the candidacy's scope is granted: the title for a candidacy for the
  title, every registered block (validated now or held before) for a candidacy for some
  blocks;
- the title iff a total validation with every required block held (validated now or held
  before: acquired for good, whatever their age) and the pathway's conditions met (non-VAE:
  29 days with the attestation, memoir confirmed and its oral passed, for the pathways
  that require them; VAE: the oral not failed), whatever the scope;
- partial validation iff not total and at least one block is validated now or held;
- refusal iff no block validated now;
- a partial validation's deadline (for a new validation request) is exactly
  `validity_years` after the deliberation (29 February -> 28 February), and no other
  decision has one;
- never a block outside the registered ones.
The engine's proposal must be one of the permitted decisions whenever one exists, and
`engine.decision_problems` (what `decisions.decide` applies) must refuse exactly the
decisions the oracle forbids; `tests/juries/test_decide_property.py` checks `decide` itself
on real candidacies.
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
KINDS = (DecisionKind.TOTAL, DecisionKind.PARTIAL, DecisionKind.REFUSED)


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
    # Held blocks, old and new: a validated block counts whatever its age, so the evidence
    # carries none (held_blocks is a set of codes).
    held = frozenset(draw(st.sets(st.sampled_from(REQUIRED))))
    pathway = draw(st.sampled_from(["training", "vae", "free"]))
    return Evidence(
        pathway=pathway,
        deliberation_date=on,
        required_blocks=REQUIRED,
        registered_blocks=registered,
        whole_title=whole_title,
        block_results=results,
        held_blocks=held,
        placement_days=draw(st.integers(0, 60)),
        required_placement_days=draw(st.sampled_from([29, 29, None])),
        placement_attestation=draw(st.booleans()),
        memoir_required=draw(st.booleans()),
        memoir_confirmed=draw(st.booleans()),
        memoir_oral_passed=draw(st.sampled_from([True, False, None])),
        vae_admissible=draw(st.booleans()),
        vae_file_complete=draw(st.booleans()),
        vae_oral_passed=draw(st.sampled_from([True, False, None])),
        vae_oral_unheard=draw(
            st.sampled_from([(), (), ("Hélène Dumas (Représentant employeurs)",)])
        ),
        validity_years=draw(st.sampled_from([5, 5, 5, 1, 3, 10])),
    )


def oracle_held(ev: Evidence) -> set[str]:
    return set(ev.held_blocks)  # acquired for good, whatever their age


def oracle_vae_blocked(ev: Evidence) -> bool:
    """No validation at all (rule 5: the three items)."""
    if ev.pathway != "vae":
        return False
    return not (ev.vae_admissible and ev.vae_file_complete and ev.vae_oral_passed is not None)


def oracle_nothing_decidable(ev: Evidence) -> bool:
    """A jury that did not hear the VAE oral decides nothing (postponement only)."""
    return ev.pathway == "vae" and bool(ev.vae_oral_unheard)


def oracle_path_ok(ev: Evidence) -> bool:
    if ev.pathway == "vae":
        return not oracle_vae_blocked(ev) and ev.vae_oral_passed is not False
    placement_ok = ev.required_placement_days is None or (
        ev.placement_days >= ev.required_placement_days and ev.placement_attestation
    )
    memoir_ok = not ev.memoir_required or (ev.memoir_confirmed and ev.memoir_oral_passed is True)
    return placement_ok and memoir_ok


def oracle_title(ev: Evidence, validated: set[str]) -> bool:
    return all(c in validated | oracle_held(ev) for c in REQUIRED) and oracle_path_ok(ev)


def oracle_scope(ev: Evidence, validated: set[str]) -> bool:
    if ev.whole_title:
        return oracle_title(ev, validated)
    return all(c in validated | oracle_held(ev) for c in ev.registered_blocks)


def oracle_permits(ev: Evidence, kind: str, validated: set[str]) -> bool:
    """The rules permit this decision (kind, blocks validated now among the registered)."""
    if oracle_nothing_decidable(ev):
        return False
    if kind == DecisionKind.REFUSED:
        return not validated
    if oracle_vae_blocked(ev):
        return False
    scope = oracle_scope(ev, validated)
    if kind == DecisionKind.TOTAL:
        return scope
    return not scope and bool(validated | oracle_held(ev))


@settings(max_examples=600)
@given(evidences())
def test_the_proposal_follows_the_rules(ev):
    proposal = engine.propose(ev)
    by_results = {c for c in ev.registered_blocks if ev.block_results.get(c) == "acquis"}
    blocked = oracle_vae_blocked(ev) or oracle_nothing_decidable(ev)
    validated = set() if blocked else by_results
    held = oracle_held(ev)
    # Never a block outside the registered ones; validated iff the result is "acquis"
    # (and no block at all when no validation may be recorded).
    assert set(proposal.blocks) == set(ev.registered_blocks)
    assert {c for c, v in proposal.blocks.items() if v} == validated
    # Nothing permitted: the engine proposes a postponement (with its reasons).
    assert bool(proposal.postpone) == blocked
    if blocked:
        assert proposal.kind == DecisionKind.REFUSED and not proposal.title
        assert proposal.reasons == proposal.postpone
        return
    scope = oracle_scope(ev, validated)
    assert (proposal.kind == DecisionKind.TOTAL) == scope
    assert proposal.title == (scope and oracle_title(ev, validated))
    assert (proposal.kind == DecisionKind.PARTIAL) == (not scope and bool(validated | held))
    assert (proposal.kind == DecisionKind.REFUSED) == (not scope and not validated and not held)
    # What it proposes, the rules permit.
    assert oracle_permits(ev, proposal.kind, validated)
    # The reasons explain exactly when the title is not proposed.
    assert (proposal.reasons == ()) == proposal.title


@settings(max_examples=800)
@given(evidences(), st.sampled_from(KINDS), st.data())
def test_decide_s_rules_refuse_exactly_what_the_rules_forbid(ev, kind, data):
    """`decisions.decide` applies `engine.decision_problems`: never a title or block the
    rules forbid, always one they permit; the title recorded is the rules' title."""
    validated = data.draw(st.sets(st.sampled_from(ev.registered_blocks)))
    problems = engine.decision_problems(ev, kind, validated)
    permitted = oracle_permits(ev, kind, validated)
    assert (problems == []) == permitted, problems
    title = engine.awards_title(ev, kind, validated)
    assert title == (permitted and kind == DecisionKind.TOTAL and oracle_title(ev, validated))
    if oracle_nothing_decidable(ev):
        assert problems and all(p.startswith("Aucune décision possible") for p in problems)


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
        "placement_attestation": True,
        "memoir_required": True,
        "memoir_confirmed": True,
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


def test_free_candidates_need_the_placement_and_the_memoir():
    # The source exempts no one: 0 days, no title (evidence.gather gives a free candidate
    # the 29 days unless the referential's training.required_for leaves "free" out).
    free = engine.propose(training(pathway="free", placement_days=0))
    assert free.kind == DecisionKind.PARTIAL and not free.title
    assert free.reasons == (
        "Période de mise en application professionnelle : 0 jours sur 29 exigés.",
    )
    assert engine.propose(training(pathway="free", memoir_oral_passed=None)).kind == "partial"
    assert engine.propose(training(pathway="free")).title
    # A referential that exempts free candidates: evidence without the requirement.
    exempt = training(pathway="free", placement_days=0, required_placement_days=None)
    assert engine.propose(exempt).title


def test_placement_attestation_and_memoir_checks_are_conditions_of_the_title():
    proposal = engine.propose(training(placement_attestation=False, memoir_confirmed=False))
    assert proposal.kind == DecisionKind.PARTIAL
    assert proposal.reasons == (
        "Attestation de la période de mise en application professionnelle : non déposée.",
        "Mémoire : ses parties exigées ne sont pas toutes confirmées par le certificateur.",
    )


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


def test_vae_no_validation_without_the_oral():
    # "La présentation du dossier de validation dans un oral de 30 mn devant un jury": a
    # VAE candidate whose oral has not taken place gets a refusal or a postponement only.
    vae = training(
        pathway="vae", memoir_oral_passed=None, vae_admissible=True, vae_file_complete=True
    )
    proposal = engine.propose(vae)
    assert proposal.kind == DecisionKind.REFUSED and not proposal.title
    assert proposal.blocks == dict.fromkeys(REQUIRED, False)
    assert proposal.postpone == (
        "Oral de présentation du dossier de validation (30 min devant le jury VAE) : pas "
        "encore passé.",
    )
    assert engine.decision_problems(vae, DecisionKind.TOTAL, set(REQUIRED)) == [
        "Validation totale impossible : Oral de présentation du dossier de validation (30 min "
        "devant le jury VAE) : pas encore passé."
    ]
    assert engine.decision_problems(vae, DecisionKind.PARTIAL, {"B1"})[0].startswith(
        "Validation partielle impossible : Oral de présentation"
    )
    assert engine.decision_problems(vae, DecisionKind.REFUSED, set()) == []


def test_vae_after_the_oral_heard_by_the_jury():
    heard = training(
        pathway="vae",
        memoir_oral_passed=None,
        vae_admissible=True,
        vae_file_complete=True,
        vae_oral_passed=True,
    )
    assert engine.propose(heard).title
    failed = engine.propose(
        training(pathway="vae", vae_admissible=True, vae_file_complete=True, vae_oral_passed=False)
    )
    assert failed.kind == DecisionKind.PARTIAL
    assert failed.reasons == ("Oral de présentation du dossier de validation : non réussi.",)


def test_a_jury_that_did_not_hear_the_oral_decides_nothing():
    unheard = training(
        pathway="vae",
        vae_admissible=True,
        vae_file_complete=True,
        vae_oral_passed=True,
        vae_oral_unheard=("Hélène Dumas (Représentant employeurs)",),
    )
    message = (
        "Oral VAE entendu par d'autres personnes que ce jury : n'ont pas entendu le candidat "
        "Hélène Dumas (Représentant employeurs). Le jury VAE qui décide est celui devant qui "
        "l'oral a eu lieu."
    )
    assert engine.propose(unheard).postpone == (message,)
    for kind, blocks in (
        (DecisionKind.TOTAL, set(REQUIRED)),
        (DecisionKind.PARTIAL, {"B1"}),
        (DecisionKind.REFUSED, set()),
    ):
        assert engine.decision_problems(unheard, kind, blocks) == [
            f"Aucune décision possible : {message}"
        ]


# --- a VAE oral on its own criteria that grants the registered blocks (rules.vae.oral_grants)


def _vae_oral(passed, *, grants=True, registered=("B1", "B2")):
    return Evidence(
        pathway="vae",
        deliberation_date=date(2026, 6, 15),
        required_blocks=("B1", "B2"),
        registered_blocks=registered,
        whole_title=registered == ("B1", "B2"),
        block_results={},  # the oral covers no competency: no block result
        vae_admissible=True,
        vae_file_complete=True,
        vae_oral_passed=passed,
        vae_oral_grants_blocks=grants,
    )


def test_a_passed_oral_that_grants_the_blocks_proposes_the_title():
    proposal = engine.propose(_vae_oral(True))
    assert proposal.blocks == {"B1": True, "B2": True}
    assert proposal.kind == DecisionKind.TOTAL and proposal.title


def test_a_passed_oral_grants_only_the_registered_blocks():
    proposal = engine.propose(_vae_oral(True, registered=("B2",)))
    assert proposal.blocks == {"B2": True}
    assert proposal.kind == DecisionKind.TOTAL and not proposal.title


def test_a_failed_oral_grants_nothing():
    proposal = engine.propose(_vae_oral(False))
    assert proposal.blocks == {"B1": False, "B2": False}
    assert proposal.kind == DecisionKind.REFUSED and not proposal.title


def test_without_the_rule_the_oral_grants_nothing_by_itself():
    proposal = engine.propose(_vae_oral(True, grants=False))
    assert proposal.kind == DecisionKind.REFUSED


def test_the_missing_oral_names_the_referentials_duration():
    evidence = _vae_oral(None)
    assert engine.validation_blockers(
        Evidence(**{**evidence.__dict__, "vae_oral_minutes": 45})
    ) == [
        "Oral de présentation du dossier de validation (45 min devant le jury VAE) : pas "
        "encore passé."
    ]
    assert engine.validation_blockers(
        Evidence(**{**evidence.__dict__, "vae_oral_minutes": None})
    ) == ["Oral de présentation du dossier de validation (devant le jury VAE) : pas encore passé."]
