"""`acquis export accrochage` and `acquis export accrochage-report` through call_command."""

import io

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from acquis.exports.enums import LineStatus
from acquis.exports.models import AccrochageBatch, AccrochageLine
from tests.exports import awarded, real_schema

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("accrochage_settings")]


def test_export_writes_a_valid_file_then_report_is_imported(rncp_version, tmp_path):
    decision = awarded(rncp_version)
    out = tmp_path / "flux.xml"
    stdout = io.StringIO()
    call_command("export", "accrochage", "--out", str(out), stdout=stdout)
    assert "1 passage(s) déclaré(s)" in stdout.getvalue()
    assert real_schema().validate(etree.parse(str(out)))
    report = tmp_path / "cr.csv"
    report.write_text(f"idTechnique;statut;message\nACQ-{decision.pk};OK;\n", encoding="utf-8")
    stdout = io.StringIO()
    call_command("export", "accrochage-report", str(report), stdout=stdout)
    assert "1 passage(s) accepté(s)" in stdout.getvalue()
    assert AccrochageLine.objects.get().status == LineStatus.ACCEPTED


def test_export_errors_are_french_and_write_nothing(rncp_version, tmp_path):
    out = tmp_path / "flux.xml"
    with pytest.raises(CommandError, match="Aucun titulaire à déclarer"):
        call_command("export", "accrochage", "--out", str(out))
    with pytest.raises(CommandError, match="--since : date AAAA-MM-JJ attendue"):
        call_command("export", "accrochage", "--out", str(out), "--since", "20/06/2025")
    assert not out.exists() and not AccrochageBatch.objects.exists()


def test_undeclarable_holders_are_listed(ops_version, tmp_path):
    decision = awarded(ops_version)
    with pytest.raises(CommandError, match="Aucun titulaire déclarable"):
        call_command("export", "accrochage", "--out", str(tmp_path / "f.xml"))
    assert decision.pk


def test_report_unknown_file_and_unknown_id(rncp_version, tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("export", "accrochage-report", str(tmp_path / "absent.xml"))
    report = tmp_path / "cr.csv"
    report.write_text("idTechnique;statut\nACQ-424242;OK\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Ligne 2 : idTechnique « ACQ-424242 » inconnu"):
        call_command("export", "accrochage-report", str(report))
