"""Server-rendered SVG bar charts of the statistics page (no JavaScript, nothing downloaded).

Each chart is horizontal bars on a 0-100 % track: one group per row (its label above), one
bar per series in the group. The percentage and its fraction are written as text beside
every bar, and a series is named in that text ("Titre : …", "Blocs : …"): colour never
carries the meaning alone. The SVG is `role="img"` labelled by its `<title>` and `<desc>`;
the same numbers are in the table under the chart (statistics_tables.py).

Colours (on white): #0b4f8a 8.6:1, #1e6b30 6.6:1 (WCAG 1.4.11 asks 3:1 for graphics).
"""

from dataclasses import dataclass, field

from acquis.exports.statistics import Report
from acquis.www.staff.statistics_tables import NOT_COMPUTABLE, french_number

WIDTH = 680
NAME_COLUMN = 110  # series names ("Titre", "Blocs"…) left of the bars, when there are several
TRACK = 320  # the 100 % width
LABEL_LINE = 20
BAR = 20
BAR_GAP = 6
GROUP_GAP = 14
TOP = 4
LABEL_MAX = 72
COLOURS = ("#0b4f8a", "#1e6b30")


@dataclass
class Bar:
    name: str  # the series, written left of the bar ("" for a single series)
    text: str  # written right of the bar: "75,0 % (3 sur 4)"
    width: float
    y: float
    colour: str
    x: float = 0.0
    text_x: float = 0.0

    @property
    def text_y(self) -> float:
        return self.y + 15


@dataclass
class Group:
    label: str
    label_y: float
    bars: list[Bar] = field(default_factory=list)


@dataclass
class Chart:
    slug: str
    title: str
    description: str
    groups: list[Group]
    height: float
    track_x: float = 0.0
    width: int = WIDTH
    track: int = TRACK

    @property
    def title_id(self) -> str:
        return f"graphique-{self.slug}-titre"

    @property
    def desc_id(self) -> str:
        return f"graphique-{self.slug}-description"


def percent_text(value: float | None, numerator: int, denominator: int) -> str:
    if value is None:
        return NOT_COMPUTABLE
    return f"{french_number(value)} % ({numerator} sur {denominator})"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1].rstrip() + "…"


def bar_chart(slug: str, title: str, groups: list[tuple[str, list[tuple]]]) -> Chart:
    """`groups`: [(label, [(series name or "", percentage or None, numerator,
    denominator), ...]), ...]; a percentage is None when the denominator is 0."""
    several = any(len(series) > 1 for _, series in groups)
    x = NAME_COLUMN if several else 0
    laid, descriptions, y = [], [], TOP
    for label, series in groups:
        group = Group(_short(label), y + 15)
        y += LABEL_LINE
        parts = []
        for index, (name, value, numerator, denominator) in enumerate(series):
            text = percent_text(value, numerator, denominator)
            width = 0.0 if value is None else round(TRACK * value / 100, 1)
            bar = Bar(name, text, width, y, COLOURS[index % len(COLOURS)], x=x)
            bar.text_x = x + TRACK + 8
            group.bars.append(bar)
            parts.append(f"{name} {text}" if name else text)
            y += BAR + BAR_GAP
        y += GROUP_GAP - BAR_GAP
        laid.append(group)
        descriptions.append(f"{label} : {' ; '.join(parts)}.")
    return Chart(slug, title, " ".join(descriptions), laid, height=y + TOP, track_x=x)


def _outcome_series(outcome) -> list[tuple]:
    return [
        ("Titre", outcome.title_rate, outcome.titles, outcome.aiming_title),
        ("Blocs", outcome.block_rate, outcome.blocks_validated, outcome.blocks_decided),
    ]


RATES = (
    "titre (validations totales sur candidatures visant le titre) et blocs (blocs validés "
    "sur blocs décidés)"
)


def charts(report: Report) -> dict[str, Chart]:
    """The charts that have something to show, by the slug of their table."""
    found = {}
    if report.has_decisions:
        total = report.overall.decisions
        found["decisions"] = bar_chart(
            "decisions",
            "Décisions en vigueur par type (part des décisions)",
            [(label, [("", share, count, total)]) for _, label, count, share in report.kinds()],
        )
    if report.blocks:
        found["blocs"] = bar_chart(
            "blocs",
            "Taux de réussite par bloc (blocs validés sur blocs décidés)",
            [
                (f"{row.code} — {row.title}", [("", row.rate, row.validated, row.decided)])
                for row in report.blocks
            ],
        )
    for slug, title, outcomes, dated in (
        ("voies", "Par voie d'accès", report.by_pathway, False),
        ("promotions", "Par promotion", report.by_cohort, False),
        ("partenaires", "Par organisme partenaire", report.by_partner, False),
        ("deliberations", "Par délibération", report.by_deliberation, True),
    ):
        if outcomes:
            found[slug] = bar_chart(
                slug,
                f"{title} : taux de réussite au {RATES}",
                [
                    (f"{o.label} ({o.detail})" if dated else o.label, _outcome_series(o))
                    for o in outcomes
                ],
            )
    if report.sessions:
        found["sessions"] = bar_chart(
            "sessions",
            "Par session d'évaluation : compétences acquises sur compétences évaluées, "
            "oraux finaux réussis sur oraux passés",
            [(f"{s.title} ({s.on:%d/%m/%Y})", _session_series(s)) for s in report.sessions],
        )
    return found


def _session_series(session) -> list[tuple]:
    series = [("Compétences", session.rate, session.acquired, session.assessed)]
    if session.orals:
        series.append(("Oraux", session.oral_rate, session.orals_passed, session.orals))
    return series
