"""Insertion indicators from survey answers, with their denominators and small-number
suppression. Definitions (the same, in French, in docs/followup.md):

- Invited ("personnes interrogées"): invitations of the campaigns (one per decision in force
  surveyed); opted-out people stay in it, as non-respondents.
- Respondents: invitations with an answer.
- Response rate: respondents / invited.
- Insertion rate: respondents in employment / respondents.
- Insertion rate in the targeted jobs: respondents in employment in one of the jobs the
  referential targets / respondents.
- Contract types: respondents in employment per contract type / respondents in employment.
- Suppression: below ACQUIS_FOLLOWUP["min_answers"] respondents in a group (employed
  respondents for the contract types), no rate and no count of situations is given for it,
  so that no person can be recognised; the invited and respondent counts stay.
Rates are percentages rounded to one decimal (the statistics' `rate`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q

from acquis.candidates.enums import Pathway
from acquis.exports.statistics import NO_COHORT, NO_PARTNER, rate
from acquis.followup.enums import ContractType, Situation
from acquis.followup.models import Invitation


def min_answers() -> int:
    return settings.ACQUIS_FOLLOWUP["min_answers"]


@dataclass
class Indicator:
    key: object
    label: str
    invited: int = 0
    answers: int = 0
    employed: int = 0
    in_targeted: int = 0
    threshold: int = 5

    @property
    def suppressed(self) -> bool:
        return self.answers < self.threshold

    @property
    def response_rate(self) -> float | None:
        return rate(self.answers, self.invited)

    @property
    def insertion_rate(self) -> float | None:
        return None if self.suppressed else rate(self.employed, self.answers)

    @property
    def targeted_rate(self) -> float | None:
        return None if self.suppressed else rate(self.in_targeted, self.answers)

    @property
    def shown_employed(self) -> int | None:
        return None if self.suppressed else self.employed

    @property
    def shown_in_targeted(self) -> int | None:
        return None if self.suppressed else self.in_targeted


def _counts() -> dict:
    employed = Q(answer__situation=Situation.EMPLOYED)
    return {
        "invited": Count("pk"),
        "answers": Count("answer"),
        "employed": Count("answer", filter=employed),
        "in_targeted": Count("answer", filter=employed & Q(answer__in_targeted_job=True)),
    }


def _label(dimension: str, row: dict) -> tuple:
    if dimension == "pathway":
        value = row["pathway"]
        return value, Pathway(value).label, (Pathway.values.index(value),)
    if dimension == "cohort":
        name = row["cohort__name"]
        return row["cohort"], name or NO_COHORT, (name is None, name or "")
    if dimension == "partner":
        name = row["partner__name"]
        return row["partner"], name or NO_PARTNER, (name is None, name or "")
    if dimension == "year":
        year = row["decided_on__year"]
        return year, str(year), (year,)
    if dimension == "delay":
        months = row["campaign__delay_months"]
        return months, f"{months} mois", (months,)
    raise ValueError(dimension)


FIELDS = {
    "pathway": ("pathway",),
    "cohort": ("cohort", "cohort__name"),
    "partner": ("partner", "partner__name"),
    "year": ("decided_on__year",),
    "delay": ("campaign__delay_months",),
}


def overall(invitations) -> Indicator:
    row = invitations.aggregate(**_counts())
    return Indicator(None, "Ensemble", threshold=min_answers(), **row)


def by(invitations, dimension: str) -> list[Indicator]:
    """One indicator per group (one query)."""
    rows = invitations.values(*FIELDS[dimension]).annotate(**_counts()).order_by()
    keyed = []
    for row in rows:
        key, label, order = _label(dimension, row)
        counts = {name: row[name] for name in ("invited", "answers", "employed", "in_targeted")}
        keyed.append((order, Indicator(key, label, threshold=min_answers(), **counts)))
    return [indicator for _, indicator in sorted(keyed, key=lambda item: item[0])]


@dataclass
class ContractShare:
    code: str
    label: str
    count: int | None
    share: float | None


def contracts(invitations) -> tuple[int, list[ContractShare]]:
    """(employed respondents, each contract type's count and share); counts and shares are
    None when fewer employed respondents than the threshold."""
    rows = dict(
        invitations.filter(answer__situation=Situation.EMPLOYED)
        .values_list("answer__contract_type")
        .annotate(n=Count("pk"))
        .order_by()
    )
    employed = sum(rows.values())
    hidden = employed < min_answers()
    return employed, [
        ContractShare(
            code,
            label,
            None if hidden else rows.get(code, 0),
            None if hidden else rate(rows.get(code, 0), employed),
        )
        for code, label in ContractType.choices
    ]


def invitations_of(campaigns):
    return Invitation.objects.filter(campaign__in=campaigns)


def display(value, suffix: str = "") -> str:
    """A figure for a page: '—' when not calculable, 'secret' when suppressed."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",") + suffix
    return f"{value}{suffix}"
