"""Revocation and reissue through the staff pages; the holder's badges in their portal."""

import json

import pytest
from django.urls import reverse

from acquis.audit.models import AuditEvent
from acquis.credentials import badges, documents, status_list
from acquis.credentials.models import IssuedCredential, IssuedDocument
from acquis.credentials.signing import create_demo_pair
from tests.juries import factories as jf
from tests.www.test_credential_pages import login, messages_of
from tests.www.test_decision_portal import portal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keys(settings, tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    create_demo_pair(key, cert, organisation="OPS Conseil")
    settings.ACQUIS_PDF_SIGNING_KEY, settings.ACQUIS_PDF_SIGNING_CERT = key, cert
    settings.ACQUIS_BADGE_KEY = badges.key_to_multibase(badges.generate_key())


@pytest.fixture
def issued(ops_version):
    """A signed total validation and a partial one, their documents and badges issued."""
    total = jf.ready_candidacy(ops_version)
    partial = jf.ready_candidacy(ops_version, not_acquired=["C3.2.1"])
    deliberation = jf.decided_and_signed(ops_version, [total, partial])
    for decision in deliberation.decisions.all():
        documents.issue_for_decision(decision, actor=None)
        badges.issue_for_decision(decision, actor=None)
    certificate = IssuedDocument.objects.get(decision__candidacy=total)
    return certificate, total, partial


def test_the_record_of_a_document(client, personas, issued):
    certificate, total, _ = issued
    login(client, personas["responsable_epreuves"])
    page = client.get(reverse("staff:document_detail", args=[certificate.pk])).content.decode()
    assert f"n° {certificate.number}" in page
    assert certificate.sha256 in page
    assert documents.verify_url(certificate.verification_code) in page
    assert "Badges numériques de la même décision" in page
    assert "credentials.document_issued" in page  # the history
    listing = client.get(reverse("staff:credentials")).content.decode()
    assert reverse("staff:document_detail", args=[certificate.pk]) in listing


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"revoke-reason": "  ", "revoke-confirm": "on", "revoke-category": "other"},
            "Ce champ est obligatoire.",
        ),
        (
            {"revoke-reason": "Délivré par erreur.", "revoke-category": "other"},
            "Confirmez la révocation en cochant la case.",
        ),
    ],
)
def test_a_revocation_needs_a_reason_and_a_confirmation(client, personas, issued, data, error):
    certificate, _, _ = issued
    login(client, personas["administrateur"])
    response = client.post(reverse("staff:document_revoke", args=[certificate.pk]), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    assert not AuditEvent.objects.filter(verb="credentials.document_revoked").exists()


def test_staff_revoke_a_document_and_verification_says_so(client, personas, issued):
    certificate, _, _ = issued
    login(client, personas["administrateur"])
    url = reverse("staff:document_revoke", args=[certificate.pk])
    data = {"revoke-reason": "Délivré par erreur.", "revoke-confirm": "on"}
    missing = client.post(url, data)
    assert missing.status_code == 400
    assert "Nature de la révocation : choisissez-en une." in missing.content.decode()
    response = client.post(url, data | {"revoke-category": "issuing_error"})
    assert response.status_code == 302
    assert messages_of(response) == [f"Le document n° {certificate.number} est révoqué."]
    certificate.refresh_from_db()
    assert certificate.revocation_reason == "Délivré par erreur."
    page = client.get(response.url).content.decode()
    assert "Révoqué le" in page and "Révoquer le document" not in page
    client.logout()
    public = client.get(reverse("public:verify_document", args=[certificate.verification_code]))
    assert "Document révoqué le" in public.content.decode()
    assert "Erreur de délivrance" in public.content.decode()
    assert "Délivré par erreur." not in public.content.decode()
    login(client, personas["administrateur"])
    again = client.post(
        url, {"revoke-reason": "Encore.", "revoke-confirm": "on", "revoke-category": "other"}
    )
    assert again.status_code == 400 and "déjà révoqué" in again.content.decode()


def test_staff_replace_a_certificate_after_a_name_correction(client, personas, issued):
    certificate, total, _ = issued
    login(client, personas["administrateur"])
    url = reverse("staff:document_reissue", args=[certificate.pk])
    response = client.post(
        url,
        {
            "reissue-reason": "Nom rectifié (acte d'état civil).",
            "reissue-confirm": "on",
            "reissue-category": "civil_status",
        },
    )
    assert response.status_code == 302
    replacement = IssuedDocument.objects.get(decision__candidacy=total, revoked_at=None)
    assert replacement.pk != certificate.pk
    assert response.url == reverse("staff:document_detail", args=[replacement.pk])
    assert messages_of(response) == [
        f"Le document n° {certificate.number} est révoqué et remplacé par le n° "
        f"{replacement.number}."
    ]
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None and certificate.replaced_by == replacement
    client.logout()
    public = client.get(reverse("public:verify_document", args=[certificate.verification_code]))
    page = public.content.decode()
    assert "Rectification de l&#x27;état civil du titulaire" in page
    assert f"Certificat (parchemin) n° {replacement.number}" in page


def test_another_certifier_can_neither_see_nor_revoke(client, personas, issued):
    certificate, _, _ = issued
    credential = IssuedCredential.objects.filter(decision=certificate.decision).first()
    login(client, personas["admin_autre_certificateur"])
    data = {"revoke-reason": "Malveillance.", "revoke-confirm": "on"}
    assert (
        client.post(reverse("staff:document_revoke", args=[certificate.pk]), data).status_code
        == 404
    )
    assert client.post(reverse("staff:badge_revoke", args=[credential.pk]), data).status_code == 404
    certificate.refresh_from_db()
    credential.refresh_from_db()
    assert certificate.revoked_at is None and credential.revoked_at is None


def test_staff_revoke_a_badge(client, personas, issued):
    certificate, _, _ = issued
    credential = IssuedCredential.objects.get(decision=certificate.decision, block=None)
    login(client, personas["responsable_epreuves"])
    page = client.get(reverse("staff:badge_detail", args=[credential.pk])).content.decode()
    assert "Signature valide." in page and credential.credential_id in page
    response = client.post(
        reverse("staff:badge_revoke", args=[credential.pk]),
        {"revoke-reason": "Délivré par erreur.", "revoke-confirm": "on"},
    )
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.revoked_at is not None
    assert status_list.is_revoked(credential.document) is True
    download = client.get(reverse("staff:badge_download", args=[credential.pk]))
    assert json.loads(download.content)["id"] == credential.credential_id


def test_the_holder_downloads_their_own_badges(client, personas, issued):
    certificate, total, partial = issued
    mine = IssuedCredential.objects.filter(decision__candidacy=total).order_by("pk")
    theirs = IssuedCredential.objects.filter(decision__candidacy=partial).first()
    portal(client, total, personas["administrateur"])
    page = client.get(reverse("candidate:credentials")).content.decode()
    assert "Badges numériques (Open Badges 3.0)" in page
    assert page.count("Télécharger le badge signé (JSON)") == mine.count() == 5  # title + 4
    order = [page.index(label) for label in ("Titre —", "Bloc B1 —", "Bloc B2 —", "Bloc B4 —")]
    assert order == sorted(order)  # the title first, then the blocks in order
    response = client.get(reverse("candidate:badge", args=[mine[0].pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    credential = json.loads(response.content)
    assert badges.verify(credential).ok  # the file verifies as is
    assert client.get(reverse("candidate:badge", args=[theirs.pk])).status_code == 404


def test_a_partial_holder_sees_their_block_badges_acquired_for_good(client, personas, issued):
    _, _, partial = issued
    portal(client, partial, personas["administrateur"])
    page = client.get(reverse("candidate:credentials")).content.decode()
    assert "valable jusqu'au" not in page
    assert page.count("bloc acquis définitivement") == 3
    assert page.count("Télécharger le badge signé (JSON)") == 3  # B1, B2, B4


def test_staff_issue_a_duplicata_and_its_public_page_says_so(client, personas, issued):
    certificate, _, _ = issued
    login(client, personas["administrateur"])
    page = client.get(reverse("staff:document_detail", args=[certificate.pk])).content.decode()
    assert "Délivrer un duplicata" in page
    url = reverse("staff:document_duplicate", args=[certificate.pk])
    missing = client.post(url, {"duplicate-reason": "  ", "duplicate-confirm": "on"})
    assert missing.status_code == 400
    assert "Motif du duplicata : Ce champ est obligatoire." in missing.content.decode()
    unconfirmed = client.post(url, {"duplicate-reason": "Original perdu."})
    assert unconfirmed.status_code == 400
    assert "Confirmez le duplicata en cochant la case." in unconfirmed.content.decode()
    assert not IssuedDocument.objects.filter(duplicate_of=certificate).exists()
    response = client.post(url, {"duplicate-reason": "Original perdu.", "duplicate-confirm": "on"})
    assert response.status_code == 302
    duplicate = IssuedDocument.objects.get(duplicate_of=certificate)
    assert response.url == reverse("staff:document_detail", args=[duplicate.pk])
    assert messages_of(response) == [
        f"Un duplicata du document n° {certificate.number} est délivré ; l'original reste valable."
    ]
    page = client.get(response.url).content.decode()
    assert f"n° {certificate.number}</a> délivré le" in page
    assert "Délivrer un duplicata" not in page  # asked from the original
    assert "credentials.duplicate_issued" in page
    original = client.get(reverse("staff:document_detail", args=[certificate.pk])).content.decode()
    assert "Duplicatas de ce document" in original
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    client.logout()
    public = client.get(reverse("public:verify_document", args=[duplicate.verification_code]))
    text = public.content.decode()
    assert "Document valide" in text
    assert f"Duplicata du Certificat (parchemin) n° {certificate.number}" in text


def test_another_certifier_cannot_issue_a_duplicata(client, personas, issued):
    certificate, _, _ = issued
    login(client, personas["admin_autre_certificateur"])
    response = client.post(
        reverse("staff:document_duplicate", args=[certificate.pk]),
        {"duplicate-reason": "Original perdu.", "duplicate-confirm": "on"},
    )
    assert response.status_code == 404
    assert not IssuedDocument.objects.filter(duplicate_of=certificate).exists()
