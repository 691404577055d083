"""The renewal file: its tables on hand-computed data, through the CLI and as XLSX / PDF."""

from datetime import date
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from acquis.followup import renewal, services, tokens
from acquis.juries.enums import DecisionKind
from tests.followup.factories import EMPLOYED, NOW, campaign, decided, deliberation
from tests.pdf_readers import assert_pdfa, poppler

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(ops_version, certifier):
    d2024 = deliberation(ops_version, certifier, date(2024, 11, 4))
    d2025 = deliberation(ops_version, certifier, date(2025, 3, 10))
    decided(d2024)
    decided(d2024, vae=True, admissible=True, file_complete=True)
    decided(d2024, kind=DecisionKind.PARTIAL)  # not certified
    holders = [decided(d2025) for _ in range(5)]
    decided(d2025, free=True)
    c = campaign(ops_version, certifier, decided_from=date(2025, 1, 1))
    services.open_campaign(c, actor=None, now=NOW)
    # 6 invited in 2025 (5 training + 1 free); 5 answers, all employed, 4 in CDI.
    by_decision = {i.decision_id: i for i in c.invitations.all()}
    for index, decision in enumerate(holders):
        contract = "permanent" if index else "fixed_term"
        services.submit_answer(
            tokens.make_token(by_decision[decision.pk]),
            EMPLOYED | {"contract_type": contract},
            now=NOW,
        )
    return c


def test_the_tables_on_hand_computed_data(data, certifier, ops_version):
    report = renewal.renewal_file([certifier], ops_version.certification, range(2023, 2026))
    certified, insertion, contracts = report.tables
    assert certified.columns == ["Année", "Formation", "VAE", "Candidat libre", "Total"]
    assert certified.rows == [[2023, 0, 0, 0, 0], [2024, 1, 1, 0, 2], [2025, 5, 0, 1, 6]]
    assert insertion.rows == [[6, 2025, 6, 5, 83.3, 5, 100.0, 5, 100.0]]
    shown = [row for row in contracts.rows if row[3]]
    assert shown == [[6, "CDI", 5, 4, 80.0], [6, "CDD", 5, 1, 20.0]]
    assert all("Méthode" not in t.method and t.method for t in report.tables)


def test_small_numbers_are_suppressed_in_the_file(data, certifier, ops_version, settings):
    settings.ACQUIS_FOLLOWUP = settings.ACQUIS_FOLLOWUP | {"min_answers": 6}
    report = renewal.renewal_file([certifier], ops_version.certification, range(2025, 2026))
    assert report.tables[1].rows == [[6, 2025, 6, 5, 83.3, *["< 6 réponses"] * 4]]
    assert {row[3] for row in report.tables[2].rows} == {"< 6 réponses"}


def _run(*args):
    out = StringIO()
    call_command("renewal", "report", *args, stdout=out)
    return out.getvalue()


def test_the_cli_prints_the_tables_and_writes_xlsx_and_pdf(data, tmp_path):
    text = _run("--certification", "ops-conseil-caci-isp", "--years", "2024-2025")
    assert "2025 | 5 | 0 | 1 | 6" in text and "Méthode : Personnes ayant obtenu le titre" in text
    xlsx = tmp_path / "dossier.xlsx"
    _run("--certification", "ops-conseil-caci-isp", "--years", "2024-2025", "--format", "xlsx",
         "--out", str(xlsx))  # fmt: skip
    book = load_workbook(BytesIO(xlsx.read_bytes()))
    assert book.sheetnames == ["a-propos", "certifies", "insertion", "contrats"]
    sheet = book["insertion"]
    assert [c.value for c in sheet[2]] == [6, 2025, 6, 5, 83.3, 5, 100, 5, 100]
    assert sheet[4][0].value == "Méthode"
    pdf = tmp_path / "dossier.pdf"
    _run("--certification", "ops-conseil-caci-isp", "--years", "2024-2025", "--format", "pdf",
         "--out", str(pdf))  # fmt: skip
    assert_pdfa(pdf.read_bytes())
    text = " ".join(
        poppler("pdftotext", pdf.read_bytes(), "-raw", "-").replace("\u2019", "'").split()
    )
    assert "Certifiés par année et voie d'accès" in text and "Méthode." in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--certification", "inconnue", "--years", "2024"), "Aucune certification"),
        (("--certification", "ops-conseil-caci-isp", "--years", "24-25"), "2023-2025"),
        (("--certification", "ops-conseil-caci-isp", "--years", "2025-2023"), "2023-2025"),
        (
            ("--certification", "ops-conseil-caci-isp", "--years", "2024", "--format", "pdf"),
            "--out FICHIER est obligatoire",
        ),
    ],
)
def test_cli_errors_are_clear(ops_version, args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)
