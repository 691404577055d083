"""The statistics as tables: the same rows on the page (under each chart) and in the data
files (statistics_files.py).

Cells are numbers, text or `Percent`; `display` writes them the French way for the page
("66,7 %"); the files keep them as numbers.
"""

from dataclasses import dataclass, field

from acquis.exports.statistics import Outcome, Report

NOT_COMPUTABLE = "non calculable"


@dataclass(frozen=True)
class Percent:
    value: float | None

    def __str__(self) -> str:
        return display(self)


def french_number(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def display(cell) -> str:
    if isinstance(cell, Percent):
        if cell.value is None:
            return NOT_COMPUTABLE
        return f"{french_number(cell.value)}\u00a0%"
    return str(cell)


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    footer: list | None = None  # a "Total" row

    def display_rows(self) -> list[list[str]]:
        return [[display(cell) for cell in row] for row in self.rows]

    def display_footer(self) -> list[str] | None:
        return None if self.footer is None else [display(cell) for cell in self.footer]


OUTCOME_COLUMNS = [
    "Décisions en vigueur",
    "Validations totales",
    "Validations partielles",
    "Refus",
    "Candidatures visant le titre",
    "Taux d'obtention du titre",
    "Blocs décidés",
    "Blocs validés",
    "Taux de réussite des blocs",
]


def outcome_cells(outcome: Outcome) -> list:
    return [
        outcome.decisions,
        outcome.total,
        outcome.partial,
        outcome.refused,
        outcome.aiming_title,
        Percent(outcome.title_rate),
        outcome.blocks_decided,
        outcome.blocks_validated,
        Percent(outcome.block_rate),
    ]


def key_figures(report: Report) -> Table:
    overall = report.overall
    return Table(
        "chiffres",
        "Chiffres clés",
        ["Indicateur", "Valeur"],
        [
            ["Candidatures", report.statuses.total],
            ["Candidats décidés", report.candidates_decided],
            ["Décisions en vigueur", overall.decisions],
            ["Validations totales", overall.total],
            ["Titres attribués", overall.titles],
            ["Taux d'obtention du titre", Percent(overall.title_rate)],
            ["Taux de réussite des blocs", Percent(overall.block_rate)],
        ],
    )


def statuses_table(report: Report) -> Table:
    statuses = report.statuses
    return Table(
        "candidatures",
        "Candidatures par état et voie d'accès",
        ["État", *(label for _, label in statuses.pathways), "Total"],
        [[label, *cells, total] for label, cells, total in statuses.rows()],
        footer=["Total", *statuses.pathway_totals(), statuses.total],
    )


def kinds_table(report: Report) -> Table:
    return Table(
        "decisions",
        "Décisions en vigueur par type",
        ["Décision", "Nombre", "Part des décisions"],
        [[label, count, Percent(share)] for _, label, count, share in report.kinds()],
        footer=[
            "Total",
            report.overall.decisions,
            Percent(100.0 if report.has_decisions else None),
        ],
    )


def blocks_table(report: Report) -> Table:
    return Table(
        "blocs",
        "Réussite par bloc de compétences",
        ["Bloc", "Intitulé", "Certification", "Blocs décidés", "Blocs validés", "Taux de réussite"],
        [
            [
                row.code,
                row.title,
                f"{row.certification} (version {row.version})",
                row.decided,
                row.validated,
                Percent(row.rate),
            ]
            for row in report.blocks
        ],
    )


def outcomes_table(slug: str, title: str, first: str, outcomes: list[Outcome], *, dated=False):
    columns = [first, *(["Date"] if dated else []), *OUTCOME_COLUMNS]
    rows = [
        [outcome.label, *([outcome.detail] if dated else []), *outcome_cells(outcome)]
        for outcome in outcomes
    ]
    return Table(slug, title, columns, rows)


def sessions_table(report: Report) -> Table:
    return Table(
        "sessions",
        "Résultats des épreuves par session d'évaluation",
        [
            "Session",
            "Date",
            "Candidats évalués",
            "Compétences évaluées",
            "Compétences acquises",
            "Taux d'acquisition des compétences",
            "Oraux finaux",
            "Oraux réussis",
            "Taux de réussite aux oraux",
        ],
        [
            [
                row.title,
                f"{row.on:%d/%m/%Y}",
                row.candidates,
                row.assessed,
                row.acquired,
                Percent(row.rate),
                row.orals,
                row.orals_passed,
                Percent(row.oral_rate),
            ]
            for row in report.sessions
        ],
    )


def tables(report: Report) -> dict[str, Table]:
    """Every table of the page, by slug, in page order."""
    found = [
        key_figures(report),
        statuses_table(report),
        kinds_table(report),
        blocks_table(report),
        outcomes_table("voies", "Réussite par voie d'accès", "Voie d'accès", report.by_pathway),
        outcomes_table("promotions", "Réussite par promotion", "Promotion", report.by_cohort),
        outcomes_table(
            "partenaires",
            "Réussite par organisme partenaire",
            "Organisme partenaire",
            report.by_partner,
        ),
        outcomes_table(
            "deliberations",
            "Réussite par délibération du jury",
            "Délibération",
            report.by_deliberation,
            dated=True,
        ),
        sessions_table(report),
    ]
    return {table.slug: table for table in found}
