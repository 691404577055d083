"""The renewal file: the tables France Compétences asks for when a certification's
registration is renewed, each with the method written under it; as data (page, CLI), XLSX
(openpyxl) and PDF (Typst, through the documents' single compiler).

1. Certified per year and pathway: decisions in force awarding the title, by the year of
   their deliberation and the candidacy's pathway (the statistics' "decision in force").
2. Insertion at each delay: the survey indicators (acquis.followup.indicators) of the
   certification's campaigns, by delay and year of the decision surveyed.
3. Contract types at each delay: employed respondents per contract type.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from acquis.candidates.enums import Pathway
from acquis.credentials import typst_render
from acquis.exports.statistics import decisions_in_force
from acquis.followup import indicators
from acquis.followup.exceptions import FollowupError
from acquis.followup.models import Invitation


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    method: str = ""


def parse_years(text: str) -> range:
    """'2023-2025' or '2024' → the years, inclusive; FollowupError in French otherwise."""
    parts = (text or "").strip().split("-")
    try:
        first, last = int(parts[0]), int(parts[-1])
    except ValueError as exc:
        raise FollowupError(f"Années « {text} » : écrivez par exemple 2023-2025.") from exc
    if len(parts) > 2 or not (1900 < first <= last < 2200) or len(str(parts[0])) != 4:
        raise FollowupError(f"Années « {text} » : écrivez par exemple 2023-2025.")
    return range(first, last + 1)


def _hidden(threshold: int) -> str:
    return f"< {threshold} réponses"


def certified_table(certifiers, certification, years: range) -> Table:
    pathways = list(Pathway.choices)
    counts = {
        (row["deliberation__date__year"], row["candidacy__pathway"]): row["n"]
        for row in decisions_in_force(certifiers)
        .filter(
            candidacy__version__certification=certification,
            title_awarded=True,
            deliberation__date__year__gte=years.start,
            deliberation__date__year__lte=years.stop - 1,
        )
        .values("deliberation__date__year", "candidacy__pathway")
        .annotate(n=Count("pk"))
        .order_by()
    }
    table = Table(
        "certifies",
        "Certifiés par année et voie d'accès",
        ["Année", *[label for _, label in pathways], "Total"],
        method=(
            "Personnes ayant obtenu le titre, par année de la délibération du jury et voie "
            "d'accès de la candidature. Seules comptent les décisions en vigueur : procès-"
            "verbal signé par tous les membres du jury, non corrigées (une décision corrigée "
            "compte une fois, par sa correction). Les validations de blocs qui n'attribuent "
            "pas le titre ne sont pas comptées."
        ),
    )
    for year in years:
        cells = [counts.get((year, value), 0) for value, _ in pathways]
        table.rows.append([year, *cells, sum(cells)])
    return table


def _survey_invitations(certifiers, certification, years: range):
    return Invitation.objects.filter(
        campaign__certifier__in=certifiers,
        campaign__certification=certification,
        decided_on__year__gte=years.start,
        decided_on__year__lte=years.stop - 1,
    )


def insertion_table(certifiers, certification, years: range) -> Table:
    threshold = indicators.min_answers()
    table = Table(
        "insertion",
        "Insertion professionnelle à chaque délai",
        [
            "Délai (mois)",
            "Année de la décision",
            "Personnes interrogées",
            "Répondants",
            "Taux de réponse (%)",
            "En emploi",
            "Taux d'insertion (%)",
            "En emploi dans un métier visé",
            "Taux d'insertion dans les métiers visés (%)",
        ],
        method=(
            "Enquêtes auprès des titulaires (validation totale), au délai indiqué après la "
            "décision du jury. Taux de réponse = répondants ÷ personnes interrogées (les "
            "personnes ayant refusé l'enquête restent au dénominateur). Taux d'insertion = "
            "répondants en emploi ÷ répondants. Taux d'insertion dans les métiers visés = "
            "répondants en emploi dans l'un des métiers que vise le référentiel ÷ répondants. "
            f"Aucun taux n'est donné sur moins de {threshold} réponses (secret statistique)."
        ),
    )
    invitations = _survey_invitations(certifiers, certification, years)
    for delay in indicators.by(invitations, "delay"):
        scoped = invitations.filter(campaign__delay_months=delay.key)
        for row in indicators.by(scoped, "year"):
            hidden = _hidden(threshold)
            table.rows.append(
                [
                    delay.key,
                    row.key,
                    row.invited,
                    row.answers,
                    row.response_rate,
                    hidden if row.suppressed else row.employed,
                    hidden if row.suppressed else row.insertion_rate,
                    hidden if row.suppressed else row.in_targeted,
                    hidden if row.suppressed else row.targeted_rate,
                ]
            )
    return table


def contracts_table(certifiers, certification, years: range) -> Table:
    threshold = indicators.min_answers()
    table = Table(
        "contrats",
        "Types de contrat des titulaires en emploi",
        ["Délai (mois)", "Type de contrat", "Répondants en emploi", "Nombre", "Part (%)"],
        method=(
            "Répondants en emploi par type de contrat déclaré, à chaque délai, toutes années "
            "de décision de la période réunies. Part = répondants en emploi avec ce contrat ÷ "
            f"répondants en emploi. Rien n'est donné sur moins de {threshold} répondants en "
            "emploi (secret statistique)."
        ),
    )
    invitations = _survey_invitations(certifiers, certification, years)
    for delay in indicators.by(invitations, "delay"):
        employed, shares = indicators.contracts(
            invitations.filter(campaign__delay_months=delay.key)
        )
        for share in shares:
            hidden = _hidden(threshold)
            table.rows.append(
                [
                    delay.key,
                    share.label,
                    employed,
                    hidden if share.count is None else share.count,
                    hidden if share.count is None else share.share,
                ]
            )
    return table


@dataclass
class RenewalFile:
    certifier_name: str
    certification: object
    years: range
    tables: list[Table]
    made_at: object

    @property
    def period(self) -> str:
        first, last = self.years.start, self.years.stop - 1
        return str(first) if first == last else f"{first}-{last}"


def renewal_file(certifiers, certification, years: range, *, now=None) -> RenewalFile:
    if not certifiers:
        raise FollowupError("Aucun certificateur : rien à présenter.")
    return RenewalFile(
        certifier_name=certifiers[0].name,
        certification=certification,
        years=years,
        tables=[
            certified_table(certifiers, certification, years),
            insertion_table(certifiers, certification, years),
            contracts_table(certifiers, certification, years),
        ],
        made_at=now or timezone.now(),
    )


def _cell(value):
    if value is None:
        return "non calculable"
    return value


def xlsx(report: RenewalFile) -> bytes:
    """One sheet per table: header row, one row per group, the method under it."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    about = book.create_sheet("a-propos")
    about.append(["Dossier de renouvellement", report.certification.title])
    about.append(["Certificateur", report.certifier_name])
    about.append(["Années", report.period])
    about.append(["Établi le", timezone.localdate(report.made_at)])
    for table in report.tables:
        sheet = book.create_sheet(table.key)
        sheet.append(table.columns)
        for row in table.rows:
            sheet.append([_cell(value) for value in row])
        sheet.append([])
        sheet.append(["Méthode", table.method])
        about.append([table.key, table.title])
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    cell.data_type = "s"  # text, never a formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value) -> str:
    if value is None:
        return "non calculable"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def pdf(report: RenewalFile) -> bytes:
    data = {
        "document": {
            "title": f"Dossier de renouvellement — {report.certification.title}",
            "number": report.period,
            "made_on": f"{timezone.localdate(report.made_at):%d/%m/%Y}",
        },
        "certifier": {"name": report.certifier_name, "address": ""},
        "period": report.period,
        "tables": [
            {
                "title": table.title,
                "columns": table.columns,
                "rows": [[_text(value) for value in row] for row in table.rows],
                "method": table.method,
            }
            for table in report.tables
        ],
    }
    inputs = {"data": json.dumps(data, ensure_ascii=False)}
    return typst_render.compile_template("renewal.typ", inputs)
