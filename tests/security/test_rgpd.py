"""Data-subject export, erasure within legal retention, retention purge."""

import io
import json
import zipfile
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from acquis.audit.models import AuditEvent
from acquis.audit.services import verify_chain
from acquis.candidates import services
from acquis.rgpd import erasure, retention
from tests import factories
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(ops_version):
    candidacy = factories.candidacy(ops_version, started=True)
    memoir = services.submit_memoir(candidacy, upload=factories.pdf_upload("memoire.pdf"))
    return candidacy, memoir.document


def test_the_export_holds_the_data_and_the_files(client, personas, dossier):
    candidacy, document = dossier
    client.login(email=personas["administrateur"].email, password=PASSWORD)
    url = reverse("staff:candidate_rgpd_export", args=[candidacy.candidate.pk])
    response = client.post(url)
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("donnees.json"))
    assert data["candidat"][0]["birth_name"] == candidacy.candidate.birth_name
    assert data["candidatures"][0]["id"] == candidacy.pk
    assert f"fichiers/pieces/{document.uuid}.pdf" in archive.namelist()
    assert AuditEvent.objects.filter(verb="rgpd.exported").exists()


def test_the_cli_export_writes_the_zip(dossier, tmp_path):
    candidacy, _ = dossier
    out = tmp_path / "export.zip"
    call_command(
        "rgpd", "export", str(candidacy.candidate.pk), "--out", str(out), stdout=StringIO()
    )
    assert "donnees.json" in zipfile.ZipFile(out).namelist()


def test_erasure_purges_files_and_contact_and_keeps_the_chain(dossier):
    candidacy, document = dossier
    candidate = candidacy.candidate
    name = candidate.birth_name
    report = erasure.erase_candidate(candidate, actor=None)
    candidate.refresh_from_db()
    document.refresh_from_db()
    assert document.purged_at is not None and not document.file
    assert candidate.email == "" and candidate.birth_name == "EFFACÉ"  # no decision: no legal hold
    assert verify_chain().ok
    erased = AuditEvent.objects.get(verb="rgpd.erased")
    assert erased.object_repr == f"Candidat n° {candidate.pk}"
    assert name not in json.dumps(erased.payload) and report.audit_events
    assert not AuditEvent.objects.filter(object_repr__contains=name).exists()


def test_retention_dry_run_lists_then_the_purge_applies(dossier):
    candidacy, document = dossier
    services.move_candidacy(candidacy, "withdrawn", reason="Déménagement")
    later = timezone.now() + timedelta(days=4 * 365)
    dry = retention.apply_retention(now=later, dry_run=True)
    assert len(dry.uploads) == 1 and len(dry.contacts) == 1
    document.refresh_from_db()
    assert document.purged_at is None
    applied = retention.apply_retention(now=later)
    document.refresh_from_db()
    assert applied.total >= 2 and document.purged_at is not None
    out = StringIO()
    call_command("rgpd", "purge", "--dry-run", stdout=out)
    assert "Simulation" in out.getvalue()
