"""did:web issuer (ACQUIS_BADGE_ISSUER_METHOD=did:web): identifier from SITE_URL, DID
document served, badges signed and verified with it, schema-valid; did:key badges issued
before the switch still verify; another installation's did:web is not resolved offline."""

import pytest

from acquis.credentials import badges, status_list
from tests.credentials.test_badges import B3_FAILED, schema_validator
from tests.juries import factories as jf


@pytest.fixture
def key(settings):
    key = badges.generate_key()
    settings.ACQUIS_BADGE_KEY = badges.key_to_multibase(key)
    settings.SITE_URL = "https://acquis.ops-conseil.fr"
    return key


@pytest.fixture
def web(settings, key):
    settings.ACQUIS_BADGE_ISSUER_METHOD = "did:web"
    return key


@pytest.mark.parametrize(
    ("site", "did", "path"),
    [
        ("https://acquis.ops-conseil.fr", "did:web:acquis.ops-conseil.fr", "/.well-known/did.json"),
        ("https://acquis.example:8443/", "did:web:acquis.example%3A8443", "/.well-known/did.json"),
        (
            "https://example.fr/certif/acquis",
            "did:web:example.fr:certif:acquis",
            "/certif/acquis/did.json",
        ),
    ],
)
def test_the_did_web_of_an_installation(site, did, path):
    assert badges.did_web(site) == did
    assert badges.did_web_document_path(did) == path


def test_the_did_document(web):
    document = badges.did_document()
    method = document["verificationMethod"][0]
    assert document["id"] == "did:web:acquis.ops-conseil.fr"
    assert method["type"] == "Multikey" and method["controller"] == document["id"]
    assert method["publicKeyMultibase"] == badges.public_multibase(web.public_key())
    assert method["publicKeyMultibase"].startswith("z6Mk")
    assert document["assertionMethod"] == [method["id"]]


@pytest.mark.django_db
def test_badges_signed_under_did_web_verify_and_match_the_schema(web, ops_version, client):
    candidacy = jf.ready_candidacy(ops_version, not_acquired=B3_FAILED)
    decision = jf.decided_and_signed(ops_version, [candidacy]).decisions.get()
    issued = badges.issue_for_decision(decision, actor=None)
    document = issued[0].document
    assert document["issuer"]["id"] == "did:web:acquis.ops-conseil.fr"
    assert document["proof"][0]["verificationMethod"].startswith("did:web:acquis.ops-conseil.fr#z")
    assert badges.verify(document).ok
    schema_validator().validate(document)
    listed = status_list.status_list_credential(issued[0].status_list)
    assert listed["issuer"] == "did:web:acquis.ops-conseil.fr" and badges.verify(listed).ok
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/did+ld+json")
    assert response.json()["id"] == "did:web:acquis.ops-conseil.fr"
    assert client.get("/did.json").status_code == 404  # no path in SITE_URL


@pytest.mark.django_db
def test_did_key_badges_still_verify_after_the_switch(settings, key, ops_version):
    candidacy = jf.ready_candidacy(ops_version)
    decision = jf.decided_and_signed(ops_version, [candidacy]).decisions.get()
    before = badges.issue_for_decision(decision, actor=None)[0].document
    assert before["issuer"]["id"].startswith("did:key:z6Mk")
    settings.ACQUIS_BADGE_ISSUER_METHOD = "did:web"
    assert badges.verify(before).ok


def test_another_installations_did_web_is_not_resolved(web):
    other = badges.generate_key()
    credential = {
        "@context": list(badges.CONTEXT),
        "type": ["VerifiableCredential", "AchievementCredential"],
        "issuer": {"id": "did:web:autre.example", "type": ["Profile"], "name": "Autre"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"type": ["AchievementSubject"]},
    }
    result = badges.verify(badges.sign(credential, other))
    assert not result.ok and "se résout en ligne" in result.reason


def test_a_forged_key_under_our_did_web_is_refused(web):
    forger = badges.generate_key()
    credential = {
        "@context": list(badges.CONTEXT),
        "type": ["VerifiableCredential", "AchievementCredential"],
        "issuer": {"id": badges.did_web(), "type": ["Profile"], "name": "Faux"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"type": ["AchievementSubject"]},
    }
    result = badges.verify(badges.sign(credential, forger))
    assert not result.ok and "inconnue dans le document DID" in result.reason


@pytest.mark.django_db
def test_no_did_document_while_the_issuer_is_the_did_key(key, client):
    assert client.get("/.well-known/did.json").status_code == 404
