"""Europass export (ELM 3.2, EDC application profile, JSON-LD) of a certificate and a block
attestation, validated against the EBSI Europass EDC JSON Schema (tests/data/europass/), from
the holder's space and the staff record; what cannot be exported is refused."""

import json
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest
from django.urls import reverse

from acquis.credentials import europass, issuing, revocation
from acquis.credentials.enums import DocumentKind
from acquis.credentials.models import IssuedDocument
from acquis.juries.models import Deliberation
from tests.conftest import PASSWORD, module_world
from tests.credentials.test_badges import B3_FAILED
from tests.juries import factories as jf
from tests.www.test_decision_portal import portal as open_portal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_settings")]
SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "data/europass/edc_elm32_schema.json").read_text()
)


def validate(credential: dict) -> None:
    jsonschema.Draft202012Validator(SCHEMA).validate(credential)
    for moment in (credential["issued"], credential["validFrom"]):
        datetime.fromisoformat(moment)  # date-time (the schema's format is not enforced)


def _total_and_partial(version) -> int:
    total = jf.ready_candidacy(version)
    partial = jf.ready_candidacy(version, not_acquired=B3_FAILED)
    return jf.decided_and_signed(version, [total, partial]).pk


signed_total_and_partial = module_world(_total_and_partial)  # once for the module's tests


@pytest.fixture
def issued(signed_total_and_partial, ops_version):
    deliberation = Deliberation.objects.get(pk=signed_total_and_partial)
    report = issuing.issue_for_deliberation(deliberation, actor=None)
    return {d.kind: d for d in report.issued if d.kind in europass.DocumentKind.values}


def test_a_certificate_is_a_valid_elm_credential(issued, ops_version):
    certificate = issued[DocumentKind.CERTIFICATE]
    credential = europass.credential(certificate)
    validate(credential)
    assert credential["type"] == [
        "VerifiableCredential",
        "VerifiableAttestation",
        "EuropeanDigitalCredential",
    ]
    person = certificate.candidate
    subject = credential["credentialSubject"]
    assert subject["familyName"] == {"fr": person.usage_name or person.birth_name}
    (achievement,) = subject["hasClaim"]
    assert achievement["title"] == {"fr": ops_version.title}
    assert achievement["awardedBy"]["awardingBody"][0]["legalName"] == {"fr": "OPS Conseil"}
    assert len(achievement["hasPart"]) == ops_version.blocks.count()  # every block held
    assert credential["identifier"][0]["notation"] == certificate.number
    page = credential["displayParameter"]["individualDisplay"][0]["displayDetail"][0]
    assert page["image"]["content"].startswith("iVBOR")  # a PNG, base64


def test_an_attestation_lists_its_blocks_and_the_qualification_level(issued, ops_version):
    ops_version.level, ops_version.registry_number = "NIV5", "99999"
    ops_version.save(update_fields=["level", "registry_number"])
    attestation = issued[DocumentKind.BLOCK_ATTESTATION]
    credential = europass.credential(attestation)
    validate(credential)
    claims = credential["credentialSubject"]["hasClaim"]
    assert [c["title"]["fr"].split(" — ")[0] for c in claims] == [
        "Bloc de compétences B1",
        "Bloc de compétences B2",
        "Bloc de compétences B4",
    ]
    fresh = IssuedDocument.objects.get(pk=issued[DocumentKind.CERTIFICATE].pk)
    certificate = europass.credential(fresh)
    validate(certificate)
    qualification = certificate["credentialSubject"]["hasClaim"][0]["specifiedBy"]
    assert qualification["eqfLevel"]["id"] == "http://data.europa.eu/snb/eqf/5"
    assert qualification["identifier"]["notation"] == "RNCP99999"


def test_the_schema_refuses_what_the_elm_does_not_define(issued):
    credential = europass.credential(issued[DocumentKind.CERTIFICATE])
    credential["credentialSubject"]["nickname"] = {"fr": "Jo"}  # not an ELM Person property
    with pytest.raises(jsonschema.ValidationError):
        validate(credential)
    del credential["credentialSubject"]["nickname"]
    del credential["displayParameter"]
    with pytest.raises(jsonschema.ValidationError, match="displayParameter"):
        validate(credential)


def test_a_revoked_document_or_a_letter_is_not_exported(issued):
    certificate = issued[DocumentKind.CERTIFICATE]
    letter = certificate.decision.issued_documents.get(kind=DocumentKind.DECISION_LETTER)
    with pytest.raises(europass.EuropassError, match="seuls un certificat"):
        europass.credential(letter)
    revocation.revoke_document(certificate, reason="Erreur d'état civil.", actor=None)
    certificate.refresh_from_db()
    with pytest.raises(europass.EuropassError, match="révoqué"):
        europass.credential(certificate)


def test_the_holder_and_the_staff_download_it(client, issued, personas):
    certificate = issued[DocumentKind.CERTIFICATE]
    open_portal(client, certificate.decision.candidacy, personas["administrateur"])
    response = client.get(reverse("candidate:document_europass", args=[certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    assert response["Content-Disposition"].endswith(f'europass-{certificate.number}.jsonld"')
    validate(json.loads(response.content))
    page = client.get(reverse("candidate:credentials")).content.decode()
    assert reverse("candidate:document_europass", args=[certificate.pk]) in page
    assert (
        client.post(reverse("candidate:document_europass", args=[certificate.pk])).status_code
        == 405
    )
    client.logout()
    assert client.login(email=personas["administrateur"].email, password=PASSWORD)
    staff = client.get(reverse("staff:document_europass", args=[certificate.pk]))
    assert staff.status_code == 200 and json.loads(staff.content)["id"].startswith("urn:epass:")
    record = client.get(reverse("staff:document_detail", args=[certificate.pk])).content.decode()
    assert reverse("staff:document_europass", args=[certificate.pk]) in record
    assert client.post(reverse("staff:document_europass", args=[certificate.pk])).status_code == 405
