"""The `acquis referential` commands, through call_command and the real console script."""

import copy
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from acquis.audit.models import AuditEvent
from acquis.referential.enums import SourceKind
from acquis.referential.exceptions import ReferentialError
from acquis.referential.models import Certification, CertificationVersion, Criterion
from acquis.referential.services import load_document
from tests.conftest import DATA, REPO

RNCP_SAMPLE = DATA / "rncp" / "export_fiches_RNCP_v4.1_sample.xml"
RS_SAMPLE = DATA / "rncp" / "export_fiches_RS_v4.1_sample.xml"


def run(*args) -> str:
    out = StringIO()
    call_command("referential", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_validate_reports_counts(builtin_file):
    assert "4 blocs, 24 compétences, 72 critères, 13 épreuves" in run("validate", str(builtin_file))


def test_validate_fails_with_file_path_and_line_through_the_console_script(tmp_path):
    bad = tmp_path / "mauvais.yaml"
    bad.write_text("format: acquis-referential/1\ncertification: {code: x}\nblocks: []\n")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "acquis"), "referential", "validate", str(bad)],
        capture_output=True, text=True, env=env, cwd=REPO, check=False,
    )  # fmt: skip
    assert proc.returncode != 0
    assert f"{bad}:2 (certification) : champ obligatoire manquant : title, certifier" in proc.stderr
    assert f"{bad}:3 (blocks) : la liste doit contenir au moins 1 élément(s)" in proc.stderr


@pytest.mark.django_db
def test_load_is_idempotent_and_a_changed_file_makes_a_new_version(builtin_file, tmp_path):
    assert "Version 1" in run("load", str(builtin_file))
    assert "Déjà chargé" in run("load", str(builtin_file))
    changed = tmp_path / "v2.yaml"
    text = builtin_file.read_text(encoding="utf-8")
    changed.write_text(text.replace("La présentation est claire et précise.", "Clair."))
    assert "Version 2" in run("load", str(changed))
    v1, v2 = CertificationVersion.objects.order_by("number")
    assert Criterion.objects.get(competency__block__version=v1, code="C1.1.3").text == (
        "La présentation est claire et précise."
    )
    assert Criterion.objects.get(competency__block__version=v2, code="C1.1.3").text == "Clair."
    assert AuditEvent.objects.filter(verb="referential.version_loaded").count() == 2


@pytest.mark.django_db
def test_an_invalid_file_loads_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: acquis-referential/1\n")
    with pytest.raises(CommandError, match="rien n'a été chargé"):
        run("load", str(bad))
    assert not Certification.objects.exists()


@pytest.mark.django_db
def test_list_in_json(ops_version):
    rows = json.loads(run("list", "--format", "json"))
    assert rows[0]["code"] == "ops-conseil-caci-isp"
    assert rows[0]["versions"][0]["number"] == 1


@pytest.mark.django_db
def test_export_json_nests_blocks_competencies_criteria_and_rules(ops_version):
    doc = json.loads(run("export", "ops-conseil-caci-isp", "--format", "json"))
    assert doc["blocks"][0]["competencies"][0]["criteria"][0]["code"] == "C1.1.1"
    assert doc["rules"]["training"]["work_placement_days"] == 29
    assert doc == ops_version.document


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_export_then_load_is_the_same_version(ops_version, tmp_path, fmt):
    exported = tmp_path / f"export.{fmt}"
    exported.write_text(run("export", "ops-conseil-caci-isp", "--format", fmt, "--version", "1"))
    assert "Déjà chargé : identique à la version 1" in run("load", str(exported))
    assert CertificationVersion.objects.count() == 1


@pytest.mark.django_db
def test_export_unknown_code_or_version(ops_version):
    with pytest.raises(CommandError, match="Aucune certification"):
        run("export", "inconnue", "--format", "json")
    with pytest.raises(CommandError, match="pas de version 9"):
        run("export", "ops-conseil-caci-isp", "--version", "9", "--format", "json")


@pytest.mark.django_db
def test_import_rncp_dry_run_json_writes_nothing():
    data = json.loads(run("import-rncp", str(RNCP_SAMPLE), "--dry-run", "--format", "json"))
    assert data["fiches"] == 8
    assert data["blocs"] == 37
    assert data["simulation"] is True
    assert len(data["fiches_detail"]) == 8
    assert all(b["competences"] for f in data["fiches_detail"] for b in f["blocs"])
    assert not Certification.objects.exists()


@pytest.mark.django_db
def test_import_rncp_creates_draft_versions_idempotently():
    run("import-rncp", str(RNCP_SAMPLE))
    assert CertificationVersion.objects.filter(status="draft", needs_review=True).count() == 8
    out = run("import-rncp", str(RNCP_SAMPLE))
    assert "inchangées : 8" in out
    assert CertificationVersion.objects.count() == 8
    # A whole export keeps each draft as its document; opening it (here: export) makes rows.
    version = CertificationVersion.objects.first()
    assert not version.materialised and not version.blocks.exists()
    exported = json.loads(run("export", version.certification.code, "--format", "json"))
    version.refresh_from_db()
    assert version.materialised
    assert version.blocks.first().source_competencies  # free text kept for the reviewer
    assert exported == version.document


@pytest.mark.django_db
def test_import_rncp_one_fiche_and_unknown_fiche():
    first = next(iter(_fiche_numbers()))
    run("import-rncp", str(RNCP_SAMPLE), "--fiche", first)
    assert list(Certification.objects.values_list("registry_number", flat=True)) == [first]
    version = CertificationVersion.objects.get()
    assert version.materialised and version.blocks.count() > 0  # one fiche: rows at once
    with pytest.raises(CommandError, match="ne figure pas"):
        run("import-rncp", str(RNCP_SAMPLE), "--fiche", "RNCP1")


@pytest.mark.django_db
def test_import_rs_fiches_gives_clear_messages_not_a_crash():
    err = StringIO()
    call_command("referential", "import-rncp", str(RS_SAMPLE), stdout=StringIO(), stderr=err)
    assert err.getvalue().count("répertoire spécifique") == 8
    assert not Certification.objects.exists()


@pytest.mark.django_db
def test_import_malformed_xml_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<FICHES><FICHE><NUMERO_FICHE>RNCP1</NUMERO_FICHE></FICHES>")
    with pytest.raises(CommandError, match="ligne"):
        run("import-rncp", str(bad))


def _fiche_numbers():
    from acquis.referential.rncp import iter_fiches

    return [f.numero for f in iter_fiches(str(RNCP_SAMPLE))]


@pytest.mark.django_db
def test_a_draft_cannot_be_published_until_complete():
    from acquis.referential.exceptions import ReferentialError
    from acquis.referential.services import transition_version

    run("import-rncp", str(RNCP_SAMPLE))
    version = CertificationVersion.objects.first()
    with pytest.raises(ReferentialError) as exc:
        transition_version(version, "published")
    assert any("aucune épreuve" in issue.message for issue in exc.value.problems)
    version.refresh_from_db()
    assert version.status == "draft"


@pytest.mark.django_db
@pytest.mark.parametrize("parallel", [False, True])
def test_a_file_malformed_at_its_end_writes_nothing(tmp_path, parallel):
    from acquis.referential.services import import_rncp

    text = RNCP_SAMPLE.read_text(encoding="utf-8")
    broken = tmp_path / "tronque.xml"
    broken.write_text(text[: text.rindex("</FICHE>")] + "<FICHE><NUMERO_FICHE>RNCP9")
    with pytest.raises(ReferentialError, match="ligne"):
        import_rncp(str(broken), parallel=parallel)
    assert not Certification.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_the_parallel_import_gives_the_same_versions_as_the_serial_one():
    from acquis.referential.services import import_rncp

    report = import_rncp(str(RNCP_SAMPLE), parallel=True)
    assert (report.fiches, report.created, report.blocks) == (8, 8, 37)
    hashes = set(CertificationVersion.objects.values_list("content_hash", flat=True))
    again = import_rncp(str(RNCP_SAMPLE), parallel=False)
    assert again.unchanged == 8 and again.created == 0
    assert set(CertificationVersion.objects.values_list("content_hash", flat=True)) == hashes


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [False, True])
def test_the_import_restores_the_garbage_collector_settings(dry_run):
    import gc

    from acquis.referential.services import import_rncp

    before = (gc.get_threshold(), gc.get_freeze_count())
    report = import_rncp(str(RNCP_SAMPLE), dry_run=dry_run, parallel=not dry_run)
    assert (report.fiches, report.blocks) == (8, 37)
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


@pytest.mark.django_db
def test_a_dry_run_counts_what_the_import_stores():
    # The dry run counts documents it does not normalise: same figures as the real import.
    from acquis.referential.services import import_rncp

    dry = import_rncp(str(RNCP_SAMPLE), dry_run=True)
    real = import_rncp(str(RNCP_SAMPLE))
    figures = ("fiches", "blocks", "competencies", "needs_review")
    assert [getattr(dry, f) for f in figures] == [getattr(real, f) for f in figures]
    stored = CertificationVersion.objects.all()
    assert sum(len(b["competencies"]) for v in stored for b in v.document["blocks"]) == (
        real.competencies
    )


@pytest.mark.django_db
def test_the_registration_facts_survive_the_export(certifier, builtin_document, tmp_path):
    document = copy.deepcopy(builtin_document)
    registration = {"nsf": "332t", "decision_date": "2022-06-29", "duration_years": 3}
    document["certification"]["registration"] = registration
    version = load_document(document, source_kind=SourceKind.FILE, owner=certifier).version
    assert version.registration == registration
    exported = tmp_path / "export.yaml"
    exported.write_text(run("export", "ops-conseil-caci-isp", "--format", "yaml"))
    assert "decision_date: '2022-06-29'" in exported.read_text()
    assert "Déjà chargé : identique à la version 1" in run("load", str(exported))
