"""The statistics as data files: one tidy table per file (or per sheet).

Tidy: the first row names the columns, then one row per group (a pathway, a cohort, a
block…), nothing else: no title line, no total row (a total is a sum of the rows, not an
observation), rates as numbers in percentage points (66.7), empty when not computable, dates
as dates. What the tables are, the filters and the date are in their own table, « a-propos ».
pandas reads each one as it is (`read_excel(sheet_name=None)`, or `read_csv` of each file of
the ZIP).

- XLSX: one sheet per table; text in text cells (never evaluated as a formula), numbers and
  dates typed.
- ZIP: one CSV per table, UTF-8, comma-separated, decimal point (the form data tools read
  without options); a text that a spreadsheet would run as a formula gets a leading quote
  (acquis.candidates.exports.neutralise).
"""

import csv
import io
import zipfile
from datetime import date

from acquis.candidates.exports import neutralise
from acquis.exports.statistics import Report
from acquis.www.staff.statistics_tables import Percent, tables

ABOUT = "a-propos"
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}


def _value(cell):
    if isinstance(cell, Percent):
        return None if cell.value is None else round(cell.value, 1)
    return cell


def _is_rate(column: str) -> bool:
    return column.startswith(("Taux ", "Part "))


def tidy_tables(report: Report, *, heading: list[tuple[str, str]]) -> dict[str, tuple]:
    """{name: (columns, rows)}: « a-propos » first, then every table of the page."""
    about, result = list(heading), {}
    for slug, table in tables(report).items():
        if slug == "chiffres":  # indicator/value pairs of mixed units: one row, typed columns
            columns = [f"{label} (%)" if _is_rate(label) else label for label, _ in table.rows]
            rows = [[_value(value) for _, value in table.rows]]
        else:
            columns = [f"{name} (%)" if _is_rate(name) else name for name in table.columns]
            rows = [[_value(cell) for cell in row] for row in table.rows]
            if "Date" in table.columns:
                at = table.columns.index("Date")
                rows = [[*row[:at], _day(row[at]), *row[at + 1 :]] for row in rows]
        result[slug] = (columns, rows)
        about.append((f"Tableau « {slug} »", table.title))
    return {ABOUT: (["Élément", "Valeur"], [list(pair) for pair in about])} | result


def _day(value):
    """ "15/12/2026" -> date(2026, 12, 15); as given otherwise."""
    try:
        day, month, year = (int(part) for part in str(value).split("/"))
        return date(year, month, day)
    except ValueError:
        return value


def to_xlsx(report: Report, *, heading: list[tuple[str, str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def cell(sheet, value, *, header=False):
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        made = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            made.data_type = "s"  # a text cell: never a formula
        elif isinstance(value, date):
            made.number_format = "DD/MM/YYYY"
        if header:
            made.font = bold
        return made

    for name, (columns, rows) in tidy_tables(report, heading=heading).items():
        sheet = workbook.create_sheet(name)
        sheet.freeze_panes = "A2"
        sheet.append([cell(sheet, column, header=True) for column in columns])
        for row in rows:
            sheet.append([cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(value)


def to_zip(report: Report, *, heading: list[tuple[str, str]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, (columns, rows) in tidy_tables(report, heading=heading).items():
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_csv_value(value) for value in row])
            archive.writestr(f"{name}.csv", text.getvalue().encode("utf-8"))
    return buffer.getvalue()
