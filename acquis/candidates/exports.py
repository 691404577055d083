"""Candidate lists as CSV or XLSX, safe to open in a spreadsheet.

The columns are those of the import (imports.COLUMNS), so that an export can be imported
again, followed by a few read-only columns.

Formulas (OWASP, "CSV Injection"): in XLSX every text is written as a text cell, which a
spreadsheet shows as it is and never evaluates: the value stays intact (a phone
"+33612345678" is that text). A CSV has no cell types, so a text cell that a spreadsheet
would run as a formula (starting with =, +, -, @, a tab or a carriage return) gets a leading
quote; a plain signed number ("+33612345678", "-12,5") is read as a number, never run, and
keeps its value unquoted. The import removes a quote it finds before such a character.
"""

import codecs
import csv
import io
import re

from acquis.candidates.imports import (
    COLUMN_NAMES,
    EXPORT_ONLY_COLUMNS,
    FORMULA_PREFIXES,
    PATHWAY_NAMES,
    VAE_ROUTE_NAMES,
)

HEADER = (*COLUMN_NAMES, *EXPORT_ONLY_COLUMNS)
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def neutralise(value):
    """For a CSV: the text cell a spreadsheet would run as a formula gets a leading quote."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def candidacy_row(candidacy) -> list:
    """One line: the import columns, then promotion, certification, version and state."""
    person = candidacy.candidate
    blocks = "" if candidacy.whole_title else ",".join(b.code for b in candidacy.blocks.all())
    values = [
        person.birth_name,
        person.usage_name,
        person.first_name,
        person.first_name_2,
        person.first_name_3,
        person.sex,
        person.birth_date,
        person.birth_insee_code,
        person.birth_country,
        person.birth_city,
        person.email,
        person.phone,
        person.address,
        person.postal_code,
        person.city,
        PATHWAY_NAMES.get(candidacy.pathway, candidacy.pathway),
        candidacy.access_mode,
        VAE_ROUTE_NAMES.get(candidacy.vae_route, candidacy.vae_route),
        blocks,
        candidacy.partner.name if candidacy.partner else "",
        candidacy.registered_on,
        candidacy.cohort.name if candidacy.cohort else "",
        candidacy.version.certification.title,
        candidacy.version.number,
        candidacy.get_status_display(),
    ]
    return values


# Rows read from the database this many at a time (their blocks with them): an export of
# any size holds one chunk in memory, never the whole list.
CHUNK_SIZE = 2000
# CSV lines sent to the client per piece of a streamed response.
LINES_PER_PIECE = 500


def candidacy_rows(queryset):
    """The lines of the candidacies of `queryset`, read in chunks (one query for the rows and
    one for their blocks per chunk)."""
    ordered = (
        queryset.with_list_data()
        .prefetch_related("blocks")
        .order_by("cohort__name", "candidate__birth_name", "candidate__first_name", "pk")
    )
    return (candidacy_row(c) for c in ordered.iterator(chunk_size=CHUNK_SIZE))


def export_candidacies(queryset, fmt: str) -> bytes:
    """The whole file at once (small exports, tests); pages stream with `stream_csv` and
    write XLSX with `write_xlsx`."""
    if fmt == "csv":
        return b"".join(stream_csv(queryset))
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(queryset, buffer)
        return buffer.getvalue()
    raise ValueError(f"Format d'export inconnu : {fmt}")


def stream_csv(queryset):
    """The CSV in pieces of LINES_PER_PIECE lines: constant memory whatever the size."""
    # `;` and a BOM: what a French spreadsheet opens without an import dialog. Every field
    # is quoted (OWASP), so a separator inside a cell cannot start a new one.
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(HEADER)
    yield codecs.BOM_UTF8 + _take(buffer)
    for count, row in enumerate(candidacy_rows(queryset), start=1):
        writer.writerow(_csv_value(v) for v in row)
        if count % LINES_PER_PIECE == 0:
            yield _take(buffer)
    rest = _take(buffer)
    if rest:
        yield rest


def _take(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


def _csv_value(value):
    return value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else neutralise(value)


def write_xlsx(queryset, target) -> None:
    """The XLSX written into `target` (a binary file), in openpyxl's write-only mode: rows go
    to a temporary file as they come, only the final zip is assembled at the end."""
    _xlsx(candidacy_rows(queryset), target)


def _xlsx(rows, target) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Candidatures")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in HEADER:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    workbook.save(target)


def _xlsx_cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if hasattr(value, "strftime"):  # a real date cell, shown the French way
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    if isinstance(value, str):
        # Explicitly a text cell, kept as it is: openpyxl would otherwise store "=…" as a
        # formula. Control characters are not allowed in the XML of a sheet.
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"
        return cell
    return value
