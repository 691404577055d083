"""`POST /candidacies:batch`: the items go through the CSV import's own checks and writes
(candidates.imports.import_sheet: all or nothing), as the rows of a sheet whose line N is
item N−2; its errors come back by item index and field."""

from acquis.api import access
from acquis.api.auth import actor
from acquis.api.problems import ApiProblem, item
from acquis.candidates.imports import COLUMN_NAMES, COLUMNS, ImportReport, Sheet, import_sheet
from acquis.organisations.models import Organisation

FIRST_LINE = 2  # line 1 is the header
FIELD_OF_COLUMN = {c.name: c.field for c in COLUMNS} | {"partenaire": "partner_id"}


def _partner_cell(request, partner_id, index: int) -> str:
    own = request.auth.partner_id
    if own and partner_id not in (None, own):
        raise ApiProblem(
            422,
            "Un client d'organisme partenaire inscrit pour son organisme seulement.",
            errors=[item("Autre organisme que le vôtre.", f"items[{index}].partner_id", index)],
        )
    partner_id = own or partner_id
    if partner_id is None:
        return ""
    partner = Organisation.objects.filter(pk=partner_id, certifier=request.auth.certifier_id)
    partner = access.get_or_404(partner, "Organisme partenaire")
    return partner.siret or partner.name  # the import finds a partner by SIRET or name


def _row(request, index: int, data) -> list:
    values = data.model_dump()
    values["blocks"] = ",".join(values["blocks"]) if values["blocks"] is not None else ""
    values["partner"] = _partner_cell(request, values.pop("partner_id"), index)
    values["registered_on"] = values["registered_on"] or ""
    return [values[c.field] if c.field in values else "" for c in COLUMNS]


def run_batch(request, payload, cohort) -> dict:
    rows = [(FIRST_LINE + i, _row(request, i, data)) for i, data in enumerate(payload.items)]
    sheet = Sheet(list(COLUMN_NAMES), rows, "API")
    report = ImportReport(f"API ({request.auth.name})", dry_run=payload.dry_run)
    import_sheet(
        sheet, report, certifier=request.auth.certifier, cohort=cohort, actor=actor(request)
    )
    if not report.ok:
        raise ApiProblem(
            422,
            f"{len(report.errors)} erreur(s) dans le lot : rien n'a été enregistré.",
            errors=[_problem(issue) for issue in report.errors],
        )
    return {
        "dry_run": payload.dry_run,
        "rows": report.rows,
        "candidates_created": report.candidates_created,
        "candidates_reused": report.candidates_reused,
        "candidacies_created": report.candidacies_created,
        "skipped": [line - FIRST_LINE for line in report.skipped_lines],
    }


def _problem(issue) -> dict:
    if issue.line is None or issue.line < FIRST_LINE:
        return item(issue.message)
    index = issue.line - FIRST_LINE
    name = FIELD_OF_COLUMN.get(issue.column)
    return item(issue.message, f"items[{index}].{name}" if name else f"items[{index}]", index)
