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

from acquis import xlsx
from acquis.candidates.imports import (
    COLUMN_NAMES,
    EXPORT_ONLY_COLUMNS,
    FORMULA_PREFIXES,
    PATHWAY_NAMES,
    VAE_ROUTE_NAMES,
)
from acquis.candidates.models import Candidacy

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


def candidacy_row(candidacy, block_codes=None) -> list:
    """One line: the import columns, then promotion, certification, version and state
    (`block_codes`: the codes of a candidacy by blocks, when the caller read them)."""
    person = candidacy.candidate
    if candidacy.whole_title:
        blocks = ""
    elif block_codes is not None:
        blocks = ",".join(block_codes)
    else:
        blocks = ",".join(b.code for b in candidacy.blocks.all())
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
CHUNK_SIZE = 1000
# CSV lines sent to the client per piece of a streamed response.
LINES_PER_PIECE = 500


def candidacy_rows(queryset):
    """The lines of the candidacies of `queryset`, read by complete batches: the ids in their
    order (one query), then for each CHUNK_SIZE of them the rows (one query) and the block
    codes of those by blocks (one query).

    No statement stays open between two batches: on SQLite, a connection that writes while
    one of its reads is still being fetched fails ("database is locked") as soon as another
    connection has written meanwhile, which is what the background export does when it
    saves its progress while the worker's heartbeat or a page writes."""
    ids = list(
        queryset.order_by(
            "cohort__name", "candidate__birth_name", "candidate__first_name", "pk"
        ).values_list("pk", flat=True)
    )
    rows = (
        Candidacy.objects.with_list_data()
        # The version's JSON columns are decoded for every row otherwise (the export needs
        # its number and title only): most of the memory and time of a big export.
        .defer("version__rules", "version__review_notes")
    )
    for start in range(0, len(ids), CHUNK_SIZE):
        batch = ids[start : start + CHUNK_SIZE]
        found = rows.in_bulk(batch)
        yield from _chunk_rows([found[pk] for pk in batch])


def _chunk_rows(chunk):
    by_blocks = [c.pk for c in chunk if not c.whole_title]
    codes: dict[int, list[str]] = {}
    if by_blocks:
        links = (
            Candidacy.blocks.through.objects.filter(candidacy_id__in=by_blocks)
            .order_by("block__version", "block__position", "block_id")
            .values_list("candidacy_id", "block__code")
        )
        for candidacy_id, code in links:
            codes.setdefault(candidacy_id, []).append(code)
    for candidacy in chunk:
        yield candidacy_row(candidacy, block_codes=codes.get(candidacy.pk, []))


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
    """The XLSX written into `target` (a binary file) as the rows are read (acquis.xlsx:
    every text a text cell, never a formula; dates shown DD/MM/YYYY)."""
    write_rows(candidacy_rows(queryset), target)


def write_rows(rows, target) -> None:
    """The XLSX of lines already read (`candidacy_rows`): the background export counts them
    as they pass (export_jobs.py)."""
    xlsx.write_sheet(target, name="Candidatures", header=HEADER, rows=rows)
