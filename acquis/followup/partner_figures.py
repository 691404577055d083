"""A partner organisation's own figures (the results it must publish, Qualiopi): the pass
rates of its candidates by block and year, with the certifier's statistics' definitions
(acquis.exports.statistics: decisions in force, blocks validated ÷ blocks decided, titles ÷
decisions on candidacies aiming at the whole title), over the candidacies whose partner it
is, decided by its certifier.

Small-number suppression, as the insertion indicators (acquis.followup.indicators): on fewer
than ACQUIS_FOLLOWUP["min_answers"] in the denominator (blocks decided; decisions on
candidacies aiming at the title), neither the rate nor its numerator is given, so that no
candidate can be recognised; the denominator stays."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from acquis.exports import statistics
from acquis.exports.statistics import Filters
from acquis.followup.indicators import min_answers


def hidden(denominator: int, threshold: int) -> bool:
    """A group too small to publish: some, but fewer than the threshold (none: no rate)."""
    return 0 < denominator < threshold


@dataclass
class BlockFigures:
    block: statistics.BlockRate
    threshold: int

    @property
    def suppressed(self) -> bool:
        return hidden(self.block.decided, self.threshold)

    @property
    def decided(self) -> int:
        return self.block.decided

    @property
    def validated(self) -> int | None:
        return None if self.suppressed else self.block.validated

    @property
    def rate(self) -> float | None:
        return None if self.suppressed else self.block.rate


@dataclass
class YearFigures:
    year: int
    overall: statistics.Outcome
    blocks: list[BlockFigures]
    threshold: int

    @property
    def title_suppressed(self) -> bool:
        return hidden(self.overall.aiming_title, self.threshold)

    @property
    def titles(self) -> int | None:
        return None if self.title_suppressed else self.overall.titles

    @property
    def title_rate(self) -> float | None:
        return None if self.title_suppressed else self.overall.title_rate


def years_of(partner) -> list[int]:
    decided = statistics.decisions([partner.certifier_id], Filters(partner=partner))
    return sorted(set(decided.values_list("deliberation__date__year", flat=True)), reverse=True)


def figures(partner) -> list[YearFigures]:
    certifiers = [partner.certifier_id]
    threshold = min_answers()
    result = []
    for year in years_of(partner):
        filters = Filters.for_year(year, partner=partner)
        overall, _ = statistics.overall(certifiers, filters)
        blocks = [
            BlockFigures(block, threshold) for block in statistics.block_rates(certifiers, filters)
        ]
        result.append(YearFigures(year, overall, blocks, threshold))
    return result


COLUMNS = [
    "organisme",
    "annee",
    "certification",
    "version",
    "bloc",
    "intitule",
    "blocs_decides",
    "blocs_valides",
    "taux_reussite_bloc (%)",
    "secret_statistique",
]


def _safe(value):
    """No formula in a spreadsheet (OWASP CSV injection): a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def to_csv(partner, rows: list[YearFigures]) -> str:
    """One tidy table: one line per year and block; a suppressed line keeps its
    denominator, its validated count and rate empty, and says why."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for year in rows:
        for block in year.blocks:
            rate = block.rate
            secret = f"moins de {block.threshold} blocs décidés" if block.suppressed else ""
            writer.writerow(
                [
                    _safe(value)
                    for value in (
                        partner.name,
                        year.year,
                        block.block.certification,
                        block.block.version,
                        block.block.code,
                        block.block.title,
                        block.decided,
                        "" if block.validated is None else block.validated,
                        "" if rate is None else rate,
                        secret,
                    )
                ]
            )
    return out.getvalue()
