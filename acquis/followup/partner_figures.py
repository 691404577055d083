"""A partner organisation's own figures (the results it must publish, Qualiopi): the pass
rates of its candidates by block and year, with the certifier's statistics' definitions
(acquis.exports.statistics: decisions in force, blocks validated ÷ blocks decided, titles ÷
decisions on candidacies aiming at the whole title), over the candidacies whose partner it
is, decided by its certifier."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from acquis.exports import statistics
from acquis.exports.statistics import Filters


@dataclass
class YearFigures:
    year: int
    overall: statistics.Outcome
    blocks: list[statistics.BlockRate]


def years_of(partner) -> list[int]:
    decided = statistics.decisions([partner.certifier_id], Filters(partner=partner))
    return sorted(set(decided.values_list("deliberation__date__year", flat=True)), reverse=True)


def figures(partner) -> list[YearFigures]:
    certifiers = [partner.certifier_id]
    result = []
    for year in years_of(partner):
        filters = Filters.for_year(year, partner=partner)
        overall, _ = statistics.overall(certifiers, filters)
        result.append(YearFigures(year, overall, statistics.block_rates(certifiers, filters)))
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
]


def _safe(value):
    """No formula in a spreadsheet (OWASP CSV injection): a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def to_csv(partner, rows: list[YearFigures]) -> str:
    """One tidy table: one line per year and block."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for year in rows:
        for block in year.blocks:
            rate = block.rate
            writer.writerow(
                [
                    _safe(value)
                    for value in (
                        partner.name,
                        year.year,
                        block.certification,
                        block.version,
                        block.code,
                        block.title,
                        block.decided,
                        block.validated,
                        "" if rate is None else rate,
                    )
                ]
            )
    return out.getvalue()
