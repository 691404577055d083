"""Statistics for the certifier's reporting: candidacies, decisions and success rates.

Query functions only (the page and the CSV are in `acquis/www/staff/statistics_*.py`). Every
figure is computed by the database in a constant number of grouped queries, whatever the
number of candidacies (tests/exports/test_statistics.py counts them).

Definitions (the same, in French, in docs/statistics.md):
- Scope: the certifiers whose data the staff user may see (`access.certifiers(user)`),
  never another certifier's.
- Decision in force: a frozen decision (its PV signed by every member) that no frozen
  decision corrects. A corrected decision is therefore counted once, as its correction,
  at the date of the correction's deliberation (the same rule as
  `juries.corrections.latest_signed_decision` and the CDC accrochage). Decisions not yet
  signed are not counted.
- Share of a kind: decisions in force of that kind (total / partial / refused) divided by
  the decisions in force.
- Title success rate ("taux d'obtention du titre"): total validations divided by the
  decisions in force on candidacies that aim at the whole title (`whole_title`). A
  candidacy registered for some blocks only never gets the title (engine.title_problems):
  it is left out of this denominator, but counted in the block rates.
- Block success rate: blocks validated divided by blocks decided, over the block rows
  (`BlockDecision`) of the decisions in force. A row is decided by the decision only when
  the block was not already held from an earlier decision (`held_before` False): a held
  block carried into a new decision is neither a success nor a failure of that decision.
  A decision has a row for each block the candidacy is registered for, so a refusal counts
  each of its blocks as decided and not validated.
- Candidates decided: distinct persons with at least one decision in force.
- Candidacies by status and pathway: candidacies of the scope; the period filter applies to
  their registration date (a candidacy has no deliberation date until it is decided).
- Evaluation sessions: consolidated competency results (`CompetencyResult`) acquired divided
  by those recorded, per session; final orals graded on their own criteria (memoir oral)
  passed divided by those with an outcome. The period applies to the session's date.
- Filters: certification (every version) or one version; deliberation date, by year or
  from/to (both inclusive); cohort, pathway and partner organisation of the candidacy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from acquis.candidates.enums import CandidacyStatus, Pathway
from acquis.candidates.models import Candidacy
from acquis.evaluations.models import CompetencyResult, Consolidation
from acquis.juries.enums import DecisionKind
from acquis.juries.models import BlockDecision, Decision

NO_COHORT = "Sans promotion"
NO_PARTNER = "Sans organisme partenaire"


def rate(numerator: int, denominator: int) -> float | None:
    """A percentage rounded to one decimal; None when there is nothing to divide by."""
    if not denominator:
        return None
    return round(100 * numerator / denominator, 1)


@dataclass(frozen=True)
class Filters:
    certification: object = None  # referential.Certification: every version
    version: object = None  # referential.CertificationVersion
    date_from: date | None = None  # deliberation date, inclusive
    date_to: date | None = None
    cohort: object = None
    pathway: str = ""
    partner: object = None

    @classmethod
    def for_year(cls, year: int, **kwargs) -> Filters:
        return cls(date_from=date(year, 1, 1), date_to=date(year, 12, 31), **kwargs)

    def describe(self) -> list[str]:
        """The filters in French, for the page and the CSV header."""
        parts = []
        if self.version is not None:
            parts.append(f"Certification : {self.version.title} (version {self.version.number})")
        elif self.certification is not None:
            parts.append(f"Certification : {self.certification.title} (toutes versions)")
        if self.date_from and self.date_to:
            parts.append(f"Période : du {self.date_from:%d/%m/%Y} au {self.date_to:%d/%m/%Y}")
        elif self.date_from:
            parts.append(f"Période : à partir du {self.date_from:%d/%m/%Y}")
        elif self.date_to:
            parts.append(f"Période : jusqu'au {self.date_to:%d/%m/%Y}")
        if self.cohort is not None:
            parts.append(f"Promotion : {self.cohort.name}")
        if self.pathway:
            parts.append(f"Voie d'accès : {Pathway(self.pathway).label}")
        if self.partner is not None:
            parts.append(f"Organisme partenaire : {self.partner.name}")
        return parts

    def candidacy_lookups(self, prefix: str = "") -> Q:
        """Certification, cohort, pathway and partner, on a candidacy reached by `prefix`."""
        q = Q()
        if self.version is not None:
            q &= Q(**{f"{prefix}version": self.version})
        elif self.certification is not None:
            q &= Q(**{f"{prefix}version__certification": self.certification})
        if self.cohort is not None:
            q &= Q(**{f"{prefix}cohort": self.cohort})
        if self.pathway:
            q &= Q(**{f"{prefix}pathway": self.pathway})
        if self.partner is not None:
            q &= Q(**{f"{prefix}partner": self.partner})
        return q

    def period(self, field_name: str) -> Q:
        q = Q()
        if self.date_from:
            q &= Q(**{f"{field_name}__gte": self.date_from})
        if self.date_to:
            q &= Q(**{f"{field_name}__lte": self.date_to})
        return q


# --- the queries ----------------------------------------------------------------------------


def decisions_in_force(certifiers) -> QuerySet:
    """Frozen decisions of these certifiers that no frozen decision corrects."""
    corrected = Decision.objects.filter(corrects=OuterRef("pk"), frozen=True)
    return Decision.objects.filter(frozen=True, deliberation__certifier__in=certifiers).filter(
        ~Exists(corrected)
    )


def decisions(certifiers, filters: Filters) -> QuerySet:
    """Decisions in force matching the filters (period: the deliberation date)."""
    return decisions_in_force(certifiers).filter(
        filters.candidacy_lookups("candidacy__"), filters.period("deliberation__date")
    )


def candidacies(certifiers, filters: Filters) -> QuerySet:
    """Candidacies of the scope (period: the registration date)."""
    return Candidacy.objects.filter(
        filters.candidacy_lookups(),
        filters.period("registered_on"),
        candidate__certifier__in=certifiers,
    )


def _outcome_counts() -> dict:
    fresh = Q(blocks__held_before=False)
    return {
        "decisions": Count("pk", distinct=True),
        "total": Count("pk", filter=Q(kind=DecisionKind.TOTAL), distinct=True),
        # A total validation of some blocks is not the title: the title rate counts titles.
        "titles": Count(
            "pk", filter=Q(title_awarded=True, candidacy__whole_title=True), distinct=True
        ),
        "partial": Count("pk", filter=Q(kind=DecisionKind.PARTIAL), distinct=True),
        "refused": Count("pk", filter=Q(kind=DecisionKind.REFUSED), distinct=True),
        "aiming_title": Count("pk", filter=Q(candidacy__whole_title=True), distinct=True),
        "blocks_decided": Count("blocks", filter=fresh),
        "blocks_validated": Count("blocks", filter=fresh & Q(blocks__validated=True)),
    }


@dataclass
class Outcome:
    """Decisions in force of one group (or of all), and its rates."""

    key: object
    label: str
    decisions: int = 0
    total: int = 0
    titles: int = 0
    partial: int = 0
    refused: int = 0
    aiming_title: int = 0
    blocks_decided: int = 0
    blocks_validated: int = 0
    detail: str = ""

    @property
    def title_rate(self) -> float | None:
        return rate(self.titles, self.aiming_title)

    @property
    def block_rate(self) -> float | None:
        return rate(self.blocks_validated, self.blocks_decided)

    def share(self, kind: str) -> float | None:
        return rate(getattr(self, kind), self.decisions)

    @classmethod
    def from_row(cls, key, label, row: dict, detail: str = "") -> Outcome:
        names = ("decisions", "total", "titles", "partial", "refused", "aiming_title")
        counts = {name: row[name] or 0 for name in (*names, "blocks_decided", "blocks_validated")}
        return cls(key=key, label=label, detail=detail, **counts)


def overall(certifiers, filters: Filters) -> tuple[Outcome, int]:
    """Every decision in force matching the filters, and the number of distinct candidates."""
    row = decisions(certifiers, filters).aggregate(
        **_outcome_counts(), candidates=Count("candidacy__candidate", distinct=True)
    )
    return Outcome.from_row(None, "Ensemble", row), row["candidates"] or 0


# Breakdowns: the values grouped on, how a group is named and ordered.
PATHWAY_ORDER = {value: index for index, value in enumerate(Pathway.values)}


def _pathway(row) -> tuple:
    value = row["candidacy__pathway"]
    return value, Pathway(value).label, "", (PATHWAY_ORDER.get(value, 99),)


def _cohort(row) -> tuple:
    name = row["candidacy__cohort__name"]
    return row["candidacy__cohort"], name or NO_COHORT, "", (name is None, name or "")


def _partner(row) -> tuple:
    name = row["candidacy__partner__name"]
    return row["candidacy__partner"], name or NO_PARTNER, "", (name is None, name or "")


def _deliberation(row) -> tuple:
    on = row["deliberation__date"]
    return (
        row["deliberation"],
        row["deliberation__title"],
        f"{on:%d/%m/%Y}",
        (on, row["deliberation"]),
    )


BREAKDOWNS = {
    "pathway": (("candidacy__pathway",), _pathway),
    "cohort": (("candidacy__cohort", "candidacy__cohort__name"), _cohort),
    "partner": (("candidacy__partner", "candidacy__partner__name"), _partner),
    "deliberation": (("deliberation", "deliberation__title", "deliberation__date"), _deliberation),
}


def outcomes_by(certifiers, filters: Filters, dimension: str) -> list[Outcome]:
    """One row per group that has decisions in force (one query)."""
    fields, describe = BREAKDOWNS[dimension]
    rows = decisions(certifiers, filters).values(*fields).annotate(**_outcome_counts()).order_by()
    keyed = []
    for row in rows:
        key, label, detail, order = describe(row)
        keyed.append((order, Outcome.from_row(key, label, row, detail)))
    return [outcome for _, outcome in sorted(keyed, key=lambda item: item[0])]


@dataclass
class BlockRate:
    block_id: int
    code: str
    title: str
    certification: str
    version: int
    decided: int
    validated: int

    @property
    def rate(self) -> float | None:
        return rate(self.validated, self.decided)


def block_rates(certifiers, filters: Filters) -> list[BlockRate]:
    """Per block: validated / decided over the rows of the decisions in force (one query)."""
    rows = (
        BlockDecision.objects.filter(
            decision__in=decisions(certifiers, filters).values("pk"), held_before=False
        )
        .values(
            "block",
            "block__code",
            "block__title",
            "block__position",
            "block__version__number",
            "block__version__certification__title",
        )
        .annotate(decided=Count("pk"), validated=Count("pk", filter=Q(validated=True)))
        .order_by(
            "block__version__certification__title", "block__version__number", "block__position"
        )
    )
    return [
        BlockRate(
            block_id=row["block"],
            code=row["block__code"],
            title=row["block__title"],
            certification=row["block__version__certification__title"],
            version=row["block__version__number"],
            decided=row["decided"],
            validated=row["validated"],
        )
        for row in rows
    ]


@dataclass
class SessionRate:
    session_id: int
    title: str
    on: date
    candidates: int = 0
    assessed: int = 0  # competency results recorded
    acquired: int = 0
    orals: int = 0  # final orals with an outcome
    orals_passed: int = 0

    @property
    def rate(self) -> float | None:
        return rate(self.acquired, self.assessed)

    @property
    def oral_rate(self) -> float | None:
        return rate(self.orals_passed, self.orals)


def session_rates(certifiers, filters: Filters) -> list[SessionRate]:
    """Consolidated results per evaluation session (two queries)."""
    prefix = "slot__session__"
    consolidations = Consolidation.objects.filter(
        filters.candidacy_lookups("slot__candidacy__"),
        filters.period(f"{prefix}date"),
        **{f"{prefix}certifier__in": certifiers},
    )
    sessions = {}
    for row in (
        consolidations.values("slot__session", f"{prefix}title", f"{prefix}date")
        .annotate(
            candidates=Count("slot__candidacy", distinct=True),
            orals=Count("pk", filter=Q(outcome__isnull=False)),
            orals_passed=Count("pk", filter=Q(outcome=True)),
        )
        .order_by()
    ):
        sessions[row["slot__session"]] = SessionRate(
            session_id=row["slot__session"],
            title=row[f"{prefix}title"],
            on=row[f"{prefix}date"],
            candidates=row["candidates"],
            orals=row["orals"],
            orals_passed=row["orals_passed"],
        )
    results = (
        CompetencyResult.objects.filter(consolidation__in=consolidations.values("pk"))
        .values("consolidation__slot__session")
        .annotate(assessed=Count("pk"), acquired=Count("pk", filter=Q(acquired=True)))
        .order_by()
    )
    for row in results:
        found = sessions.get(row["consolidation__slot__session"])
        if found is not None:
            found.assessed, found.acquired = row["assessed"], row["acquired"]
    return sorted(sessions.values(), key=lambda s: (s.on, s.session_id))


@dataclass
class StatusTable:
    """Candidacies by status (rows) and pathway (columns)."""

    counts: dict = field(default_factory=dict)  # (status, pathway) -> n

    @property
    def pathways(self) -> list[tuple[str, str]]:
        return list(Pathway.choices)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def rows(self) -> list[tuple[str, list[int], int]]:
        """(status label, count per pathway, total) for each status that has candidacies."""
        result = []
        for status, label in CandidacyStatus.choices:
            cells = [self.counts.get((status, pathway), 0) for pathway in Pathway.values]
            if sum(cells):
                result.append((label, cells, sum(cells)))
        return result

    def pathway_totals(self) -> list[int]:
        return [
            sum(n for (_, pathway), n in self.counts.items() if pathway == value)
            for value in Pathway.values
        ]


def candidacy_statuses(certifiers, filters: Filters) -> StatusTable:
    rows = (
        candidacies(certifiers, filters)
        .values("status", "pathway")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return StatusTable({(row["status"], row["pathway"]): row["n"] for row in rows})


# --- everything the page shows --------------------------------------------------------------


@dataclass
class Report:
    filters: Filters
    statuses: StatusTable
    overall: Outcome
    candidates_decided: int
    blocks: list[BlockRate]
    by_pathway: list[Outcome]
    by_cohort: list[Outcome]
    by_partner: list[Outcome]
    by_deliberation: list[Outcome]
    sessions: list[SessionRate]

    @property
    def has_decisions(self) -> bool:
        return self.overall.decisions > 0

    def kinds(self) -> list[tuple[str, str, int, float | None]]:
        """(kind, French label, count, share of the decisions) for the three decisions."""
        return [
            (kind, label, getattr(self.overall, kind), self.overall.share(kind))
            for kind, label in DecisionKind.choices
        ]


def report(certifiers, filters: Filters | None = None) -> Report:
    """Every figure of the statistics page (a constant number of queries: 9)."""
    filters = filters or Filters()
    total, candidates_decided = overall(certifiers, filters)
    return Report(
        filters=filters,
        statuses=candidacy_statuses(certifiers, filters),
        overall=total,
        candidates_decided=candidates_decided,
        blocks=block_rates(certifiers, filters),
        by_pathway=outcomes_by(certifiers, filters, "pathway"),
        by_cohort=outcomes_by(certifiers, filters, "cohort"),
        by_partner=outcomes_by(certifiers, filters, "partner"),
        by_deliberation=outcomes_by(certifiers, filters, "deliberation"),
        sessions=session_rates(certifiers, filters),
    )
