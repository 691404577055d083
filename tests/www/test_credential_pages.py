"""Issued documents through the pages: the staff's issue action (a background batch) and
downloads, the holder's own documents (another holder's: 404), the previews."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from acquis.credentials import badges, batches, issuing
from acquis.credentials.models import IssuedDocument, IssuingBatch
from acquis.credentials.signing import create_demo_pair
from acquis.juries.enums import DecisionKind
from tests.conftest import PASSWORD
from tests.juries import factories as jf
from tests.www.test_decision_portal import portal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _signing_key(settings, tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    create_demo_pair(key, cert, organisation="OPS Conseil")
    settings.ACQUIS_PDF_SIGNING_KEY, settings.ACQUIS_PDF_SIGNING_CERT = key, cert


@pytest.fixture
def signed(ops_version):
    total = jf.ready_candidacy(ops_version)
    partial = jf.ready_candidacy(ops_version, not_acquired=["C3.2.1"])
    return jf.decided_and_signed(ops_version, [total, partial]), total, partial


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_staff_issue_the_documents_of_a_deliberation(client, personas, signed, settings):
    deliberation, total, _ = signed
    settings.ACQUIS_BADGE_KEY = badges.key_to_multibase(badges.generate_key())
    login(client, personas["responsable_epreuves"])
    url = reverse("staff:deliberation_documents", args=[deliberation.pk])
    page = client.get(url).content.decode()
    assert "Délivrer les documents</button>" in page
    response = client.post(url)  # a background batch (tests/www/test_batch_pages.py)
    assert response.status_code == 302 and response.url == url
    batch = IssuingBatch.objects.get()
    assert messages_of(response) == [
        f"Lot n° {batch.pk} mis en file d'attente : 2 décision(s) à traiter."
    ]
    batches.run(batch.pk)  # what the worker does
    issued = IssuedDocument.objects.count()  # PV, certificate, attestation, letters
    assert IssuingBatch.objects.get(pk=batch.pk).documents_issued == issued >= 2
    client.get(url)  # the message is shown, then gone
    again = batches.run(batches.request_batch(deliberation, actor=None).pk)
    assert (again.documents_issued, again.skipped) == (0, 2)
    assert IssuedDocument.objects.count() == issued
    certificate = IssuedDocument.objects.get(decision__candidacy=total, kind="certificate")
    page = client.get(url).content.decode()
    assert f"n° {certificate.number}" in page
    download = client.get(reverse("staff:issued_document", args=[certificate.pk]))
    body = b"".join(download.streaming_content)
    assert body.startswith(b"%PDF-") and download["Content-Type"] == "application/pdf"
    assert f'filename="{certificate.number}.pdf"' in download["Content-Disposition"]
    listing = client.get(reverse("staff:credentials")).content.decode()
    assert certificate.number in listing and deliberation.title in listing


def test_an_unsigned_deliberation_is_refused_with_a_french_message(client, personas, ops_version):
    candidacy = jf.ready_candidacy(ops_version)
    deliberation = jf.deliberation(ops_version, [candidacy])
    login(client, personas["administrateur"])
    url = reverse("staff:deliberation_documents", args=[deliberation.pk])
    assert "procès-verbal signé par tous les membres" in client.get(url).content.decode()
    response = client.post(url)
    assert messages_of(response) == [
        "Délivrance : la délibération doit avoir son procès-verbal signé par tous les membres "
        "du jury avant toute délivrance."
    ]
    assert not IssuedDocument.objects.exists() and not IssuingBatch.objects.exists()


def test_a_missing_key_is_reported(client, personas, signed, settings, tmp_path):
    deliberation, _, _ = signed
    settings.ACQUIS_PDF_SIGNING_KEY = tmp_path / "absente.pem"
    login(client, personas["administrateur"])
    url = reverse("staff:deliberation_documents", args=[deliberation.pk])
    client.post(url)
    batches.run(IssuingBatch.objects.get().pk)
    assert "clé introuvable" in client.get(url).content.decode()
    assert not IssuedDocument.objects.exists()


def test_another_certifier_cannot_issue(client, personas, signed):
    deliberation, _, _ = signed
    login(client, personas["admin_autre_certificateur"])
    url = reverse("staff:deliberation_documents", args=[deliberation.pk])
    assert client.post(url).status_code == 404
    assert not IssuedDocument.objects.exists()


def test_the_holder_downloads_their_own_documents_only(client, personas, signed):
    deliberation, total, partial = signed
    jf_admin = personas["administrateur"]
    issuing.issue_for_deliberation(deliberation, actor=jf_admin)
    mine = IssuedDocument.objects.get(decision__candidacy=total, kind="certificate")
    theirs = IssuedDocument.objects.get(decision__candidacy=partial, kind="block_attestation")
    portal(client, total, jf_admin)
    page = client.get(reverse("candidate:credentials")).content.decode()
    assert mine.number in page and theirs.number not in page
    response = client.get(reverse("candidate:issued_document", args=[mine.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client.get(reverse("candidate:issued_document", args=[theirs.pk])).status_code == 404


def test_nothing_issued_yet(client, personas, signed):
    _, total, _ = signed
    portal(client, total, personas["administrateur"])
    page = client.get(reverse("candidate:credentials")).content.decode()
    assert "Aucun document délivré pour le moment." in page


@pytest.mark.parametrize("slug", ["certificat", "attestation-de-blocs"])
def test_previews(client, personas, slug):
    login(client, personas["responsable_epreuves"])
    response = client.get(reverse("staff:document_preview", args=[slug]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("inline")


def test_an_unknown_preview_is_404(client, personas):
    login(client, personas["responsable_epreuves"])
    assert client.get(reverse("staff:document_preview", args=["inconnu"])).status_code == 404


def test_decision_kinds_issue_the_right_document(signed):
    deliberation, _, _ = signed
    report = issuing.issue_for_deliberation(deliberation, actor=None)
    assert sorted((d.decision.kind, d.kind) for d in report.issued if d.decision_id) == [
        (DecisionKind.PARTIAL, "block_attestation"),
        (DecisionKind.PARTIAL, "decision_letter"),
        (DecisionKind.TOTAL, "certificate"),
        (DecisionKind.TOTAL, "decision_letter"),
    ]
    assert [d.kind for d in report.issued if not d.decision_id] == ["minutes"]
