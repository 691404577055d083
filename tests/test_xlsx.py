"""The streamed XLSX writer: what openpyxl reads back from it."""

import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from acquis import xlsx


def test_a_sheet_reads_back_with_its_types_and_styles():
    buffer = io.BytesIO()
    rows = [
        [
            "=1+1",
            "#N/A",
            "a\x01b<&>",
            3,
            2.5,
            True,
            date(1990, 3, 14),
            datetime(2026, 1, 2, 9, tzinfo=UTC),
        ],
        ["", None, "+33 6 01", 0, -1, False, None, "fin"],
    ]
    xlsx.write_sheet(buffer, name="Candidatures & co", header=list("ABCDEFGH"), rows=iter(rows))
    book = load_workbook(buffer)
    sheet = book.active
    assert sheet.title == "Candidatures & co"
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b and not sheet["A2"].font.b
    assert [c.value for c in sheet[1]] == list("ABCDEFGH")
    first = sheet[2]
    # A text that looks like a formula or an error stays a text: never evaluated.
    assert [(c.value, c.data_type) for c in first[:3]] == [
        ("=1+1", "s"),
        ("#N/A", "s"),
        ("ab<&>", "s"),
    ]
    assert [c.value for c in first[3:6]] == [3, 2.5, True]
    assert first[6].value.date() == date(1990, 3, 14) and first[6].number_format == "DD/MM/YYYY"
    assert first[7].value.date() == date(2026, 1, 2)
    assert [c.value for c in sheet[3]] == [None, None, "+33 6 01", 0, -1, False, None, "fin"]


def test_many_lines_in_several_writes():
    buffer = io.BytesIO()
    count = xlsx.LINES_PER_WRITE * 3 + 7
    xlsx.write_sheet(buffer, name="S", header=["n"], rows=([i] for i in range(count)))
    sheet = load_workbook(buffer, read_only=True).active
    values = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert values == list(range(count))
