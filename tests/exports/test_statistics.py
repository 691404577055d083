"""Statistics: each figure on a situation decided and signed through the real jury verbs
(tests/exports/statistics_factories.py describes it), the filters, the scope (another
certifier's figures never include ours) and a constant number of queries."""

from datetime import date

import pytest
from django.utils import timezone

from acquis.candidates.models import Candidacy
from acquis.evaluations.models import Slot
from acquis.exports import statistics
from acquis.exports.statistics import Filters
from acquis.juries.enums import DecisionKind, DeliberationStatus
from acquis.juries.models import BlockDecision, Decision
from acquis.organisations.models import Organisation
from acquis.organisations.services import ensure_certifier
from acquis.referential.models import Certification
from tests.exports.statistics_factories import D1, D2, D3, signed_rows, world_fixture

pytestmark = pytest.mark.django_db
world = world_fixture()


def scope(certifier):
    return Organisation.objects.filter(pk=certifier.pk)


def ours(world):
    return scope(world.total.candidate.certifier)


def report(world, **filters):
    return statistics.report(ours(world), Filters(**filters))


def counts(outcome):
    return (outcome.decisions, outcome.total, outcome.partial, outcome.refused)


def blocks(outcome):
    return (outcome.blocks_validated, outcome.blocks_decided, outcome.block_rate)


# --- decisions in force -----------------------------------------------------------------------


def test_a_corrected_decision_counts_once_as_its_correction(world):
    result = report(world)
    # D1: total, partial, refusal, returning (partial); the corrected partial is replaced by
    # its correction (D2, total); D3: total; D4: VAE partial; D5 is not signed.
    assert counts(result.overall) == (7, 3, 3, 1)
    by_deliberation = {o.key: o for o in result.by_deliberation}
    assert set(by_deliberation) == {world.deliberations[k].pk for k in ("d1", "d2", "d3", "d4")}
    assert counts(by_deliberation[world.deliberations["d1"].pk]) == (4, 1, 2, 1)
    assert counts(by_deliberation[world.deliberations["d2"].pk]) == (1, 1, 0, 0)
    assert [o.detail for o in result.by_deliberation] == [
        "16/06/2025",
        "19/01/2026",
        "09/03/2026",
        "09/03/2026",
    ]
    # Both decisions of the corrected candidacy are kept and frozen; one is in force.
    corrected = Decision.objects.filter(candidacy=world.corrected)
    assert [(d.kind, d.frozen) for d in corrected.order_by("pk")] == [
        (DecisionKind.PARTIAL, True),
        (DecisionKind.TOTAL, True),
    ]
    in_force = statistics.decisions_in_force(ours(world)).filter(candidacy=world.corrected)
    assert list(in_force) == [corrected.order_by("pk").last()]


def test_an_unsigned_decision_counts_nowhere(world):
    unsigned = Decision.objects.get(candidacy=world.unsigned)
    assert not unsigned.frozen
    assert world.deliberations["d5"].status == DeliberationStatus.OPEN
    assert not statistics.decisions_in_force(ours(world)).filter(pk=unsigned.pk).exists()


def test_kinds_and_their_share(world):
    result = report(world)
    assert [(kind, n, share) for kind, _, n, share in result.kinds()] == [
        ("total", 3, 42.9),
        ("partial", 3, 42.9),
        ("refused", 1, 14.3),
    ]
    # Six persons: the returning candidate has two decisions in force (two candidacies).
    assert result.candidates_decided == 6


def test_the_title_rate_leaves_out_candidacies_for_some_blocks(world):
    result = report(world)
    # The free candidate registered for B3 only can never get the title.
    assert result.overall.aiming_title == 6
    assert result.overall.title_rate == 50.0
    free = next(o for o in result.by_pathway if o.key == "free")
    assert (free.aiming_title, free.title_rate) == (0, None)


# --- blocks -------------------------------------------------------------------------------------


def test_success_rate_by_block(world):
    result = report(world)
    assert [(b.code, b.validated, b.decided, b.rate) for b in result.blocks] == [
        ("B1", 5, 5, 100.0),
        ("B2", 5, 5, 100.0),
        ("B3", 4, 7, 57.1),
        ("B4", 4, 5, 80.0),
    ]
    assert blocks(result.overall) == (18, 22, 81.8)


def test_a_partial_validation_with_three_of_four_blocks(world):
    result = report(world, cohort=world.cohort)  # the total (4/4) and the partial (3/4)
    assert counts(result.overall) == (2, 1, 1, 0)
    assert blocks(result.overall) == (7, 8, 87.5)
    assert result.overall.title_rate == 50.0


def test_a_block_held_before_is_not_decided_again(world):
    decision = Decision.objects.get(candidacy=world.returning_second)
    rows = BlockDecision.objects.filter(decision=decision).order_by("block__position")
    assert [(r.block.code, r.validated, r.held_before) for r in rows] == [
        ("B1", False, True),
        ("B2", False, True),
        ("B3", True, False),
        ("B4", False, True),
    ]
    assert decision.kind == DecisionKind.TOTAL
    result = report(world, date_from=D3, date_to=D3, pathway="training")
    assert counts(result.overall) == (1, 1, 0, 0)
    assert blocks(result.overall) == (1, 1, 100.0)
    assert [(b.code, b.decided) for b in result.blocks] == [("B3", 1)]


def test_a_refusal_counts_each_of_its_blocks_as_decided(world):
    result = report(world, pathway="free")
    assert counts(result.overall) == (1, 0, 0, 1)
    assert blocks(result.overall) == (0, 1, 0.0)


# --- breakdowns -----------------------------------------------------------------------------


def test_by_pathway(world):
    rows = report(world).by_pathway
    assert [(o.label, counts(o), o.title_rate, blocks(o)) for o in rows] == [
        ("Formation", (5, 3, 2, 0), 60.0, (15, 17, 88.2)),
        ("VAE", (1, 0, 1, 0), 0.0, (3, 4, 75.0)),
        ("Candidat libre", (1, 0, 0, 1), None, (0, 1, 0.0)),
    ]


def test_by_cohort(world):
    rows = report(world).by_cohort
    assert [(o.label, counts(o), blocks(o)) for o in rows] == [
        ("Promotion Lyon 2025", (2, 1, 1, 0), (7, 8, 87.5)),
        ("Sans promotion", (5, 2, 2, 1), (11, 14, 78.6)),
    ]


def test_by_partner(world):
    rows = report(world).by_partner
    assert [(o.label, counts(o), o.title_rate, blocks(o)) for o in rows] == [
        ("Insertion Formation Rhône", (2, 0, 1, 1), 0.0, (3, 5, 60.0)),
        ("Sans organisme partenaire", (5, 3, 2, 0), 60.0, (15, 17, 88.2)),
    ]


def _session(candidacy):
    return Slot.objects.filter(candidacy=candidacy).values_list("session", flat=True).first()


def test_by_evaluation_session(world):
    sessions = {s.session_id: s for s in report(world).sessions}
    partial = sessions[_session(world.partial)]  # C3.2 not acquired; memoir oral passed
    assert (partial.candidates, partial.acquired, partial.assessed, partial.rate) == (
        1,
        23,
        24,
        95.8,
    )
    assert (partial.orals_passed, partial.orals, partial.oral_rate) == (1, 1, 100.0)
    refused = sessions[_session(world.refused)]  # B3's four competencies, one not acquired
    assert (refused.acquired, refused.assessed, refused.rate) == (3, 4, 75.0)
    vae = sessions[_session(world.vae)]  # the VAE oral has no own criteria: no outcome
    assert (vae.acquired, vae.assessed, vae.orals, vae.oral_rate) == (23, 24, 0, None)
    assert len(sessions) == 8  # one per candidacy evaluated (the open jury's one included)


def test_sessions_follow_the_candidacy_filters_and_their_own_date(world):
    vae = report(world, pathway="vae").sessions
    assert [s.session_id for s in vae] == [_session(world.vae)]
    cohort = report(world, cohort=world.cohort).sessions
    assert {s.session_id for s in cohort} == {_session(world.total), _session(world.partial)}
    today = timezone.localdate()
    assert len(report(world, date_from=today, date_to=today).sessions) == 8
    assert report(world, **_year(2025)).sessions == []  # the sessions are held today


# --- filters -------------------------------------------------------------------------------


def _year(year):
    base = Filters.for_year(year)
    return {"date_from": base.date_from, "date_to": base.date_to}


def test_period_by_year_or_dates_on_the_deliberation_date(world):
    assert counts(report(world, **_year(2025)).overall) == (4, 1, 2, 1)
    assert counts(report(world, **_year(2026)).overall) == (3, 2, 1, 0)
    january = report(world, date_from=date(2026, 1, 1), date_to=date(2026, 1, 31))
    assert counts(january.overall) == (1, 1, 0, 0)  # the correction, at its own date
    assert counts(report(world, date_from=D2).overall) == (3, 2, 1, 0)
    assert counts(report(world, date_to=D1).overall) == (4, 1, 2, 1)
    assert (
        report(world, date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)).overall.decisions == 0
    )


def test_pathway_cohort_partner_and_certification_filters(world):
    assert counts(report(world, pathway="vae").overall) == (1, 0, 1, 0)
    assert counts(report(world, partner=world.partner).overall) == (2, 0, 1, 1)
    version = world.total.version
    assert report(world, version=version).overall.decisions == 7
    assert report(world, certification=version.certification).overall.decisions == 7
    other = Certification.objects.create(
        code="autre-titre", title="Autre titre", owner=version.certification.owner
    )
    empty = report(world, certification=other)
    assert (empty.overall.decisions, empty.blocks, empty.by_pathway) == (0, [], [])


def test_candidacies_by_status_and_pathway(world):
    table = report(world).statuses
    assert table.counts == {
        ("decided", "training"): 5,
        ("decided", "vae"): 1,
        ("decided", "free"): 1,
        ("awaiting_jury", "training"): 1,
        ("registered", "vae"): 1,
    }
    assert table.total == 9
    assert table.rows() == [
        ("Inscrit", [0, 1, 0], 1),
        ("En attente du jury", [1, 0, 0], 1),
        ("Décision rendue", [5, 1, 1], 7),
    ]
    assert table.pathway_totals() == [6, 2, 1]


def test_the_period_applies_to_the_registration_date_of_candidacies(world):
    Candidacy.objects.filter(pk=world.registered.pk).update(registered_on=date(2025, 1, 10))
    assert report(world, **_year(2025)).statuses.counts == {("registered", "vae"): 1}
    assert report(world, pathway="free").statuses.counts == {("decided", "free"): 1}


def test_filters_are_described_in_french(world):
    version = world.total.version
    described = Filters.for_year(
        2025, version=version, cohort=world.cohort, pathway="vae", partner=world.partner
    ).describe()
    assert described == [
        f"Certification : {version.title} (version 1)",
        "Période : du 01/01/2025 au 31/12/2025",
        "Promotion : Promotion Lyon 2025",
        "Voie d'accès : VAE",
        "Organisme partenaire : Insertion Formation Rhône",
    ]
    assert Filters(date_from=D2).describe() == ["Période : à partir du 19/01/2026"]
    assert Filters().describe() == []


# --- scope and query count -----------------------------------------------------------------


def test_another_certifier_never_sees_our_figures(world, other_certifier):
    theirs = statistics.report(scope(other_certifier))
    assert theirs.overall.decisions == 0
    assert (theirs.blocks, theirs.sessions, theirs.statuses.total) == ([], [], 0)
    signed_rows(world.total.version, other_certifier, 1)
    theirs = statistics.report(scope(other_certifier))
    assert counts(theirs.overall) == (1, 1, 0, 0)
    assert theirs.statuses.total == 1
    assert report(world).overall.decisions == 7  # and ours do not include theirs


def test_nothing_decided_yet(world):
    alone = ensure_certifier(name="Certificateur sans jury")
    empty = statistics.report(scope(alone))
    assert not empty.has_decisions
    assert empty.overall.title_rate is None and empty.overall.block_rate is None
    assert [share for *_, share in empty.kinds()] == [None, None, None]
    assert (empty.by_pathway, empty.by_cohort, empty.by_partner, empty.blocks) == ([], [], [], [])


@pytest.mark.parametrize("size", [2, 20])
def test_a_constant_number_of_queries(world, size, django_assert_num_queries):
    measured = ensure_certifier(name=f"Certificateur mesuré {size}")
    signed_rows(world.total.version, measured, size)
    certifiers = scope(measured)
    with django_assert_num_queries(9):
        result = statistics.report(certifiers, Filters())
    assert result.overall.decisions == size
    assert sum(o.decisions for o in result.by_cohort) == size
