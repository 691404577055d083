"""Our badges and status lists, checked by Digital Bazaar's reference verifier (Node): the
signatures, and the revocation status read in the published list, whose issuer must be the
badge's own — before and after the installation moves from its did:key to its did:web."""

import json
from urllib.parse import urlsplit

import pytest

from acquis.credentials import badges
from tests.credentials.reference_verifier import reference_verifier  # noqa: F401 (fixture)
from tests.credentials.test_badges import B3_FAILED, FIXTURES, fixture
from tests.juries import factories as jf

pytestmark = pytest.mark.django_db
SITE = "https://acquis.example.fr"


@pytest.fixture
def installation(settings):
    key = badges.generate_key()
    settings.ACQUIS_BADGE_KEY = badges.key_to_multibase(key)
    settings.ACQUIS_BADGE_ISSUER_METHOD = "did:key"
    settings.SITE_URL = SITE
    return key


def published(client, *credentials) -> dict:
    """What a verifier fetches, as the application serves it: each status list credential
    the badges point to, and the did:web DID document when the installation has one."""
    documents = {}
    for credential in credentials:
        url = credential["credentialStatus"]["statusListCredential"]
        response = client.get(urlsplit(url).path)
        assert response.status_code == 200
        documents[url] = response.json()
    response = client.get("/.well-known/did.json")
    if response.status_code == 200:
        documents[response.json()["id"]] = response.json()
    return documents


def issue(version, **kwargs):
    candidacy = jf.ready_candidacy(version, **kwargs)
    decision = jf.decided_and_signed(version, [candidacy]).decisions.get()
    return badges.issue_for_decision(decision, actor=None)


def test_real_fixtures_and_a_tampered_copy(reference_verifier):  # noqa: F811
    """The verifier itself: a real fixture verifies, a changed one does not."""
    good = fixture("noStatus-noExpiry-basicOBv3")
    changed = fixture("noStatus-noExpiry-basicOBv3") | {"name": "Autre"}
    results = reference_verifier([good, changed])
    assert results[0]["verified"] is True, results[0]
    assert results[1]["verified"] is False and "Invalid signature" in results[1]["error"]


def test_the_proof_set_fixture_verifies(reference_verifier):  # noqa: F811
    """The multi-proof fixture our check calls valid is valid for the reference too (it checks
    the proof of the suite it is given, as ours does); changed, it is refused by both."""
    both = json.loads(
        (FIXTURES / "v2__bothSignatureTypes__didkey__legacy-noStatus-noExpiry.json").read_text()
    )
    changed = both | {"name": "Autre"}
    results = reference_verifier([both, changed])
    assert results[0]["verified"] is True, results[0]
    assert results[1]["verified"] is False and "Invalid signature" in results[1]["error"]
    assert badges.verify(both).ok and not badges.verify(changed).ok


def test_badges_and_their_status_before_and_after_the_issuer_change(
    reference_verifier,  # noqa: F811
    installation,
    settings,
    ops_version,
    client,
):
    earlier = issue(ops_version, not_acquired=B3_FAILED)  # did:key: blocks 1, 2, 4
    assert earlier[0].document["issuer"]["id"].startswith("did:key:z6Mk")
    settings.ACQUIS_BADGE_ISSUER_METHOD = "did:web"
    later = issue(ops_version)  # did:web: title and blocks
    assert later[0].document["issuer"]["id"] == "did:web:acquis.example.fr"
    # Two lists, one per issuer, each signed by its own issuer.
    assert earlier[0].status_list != later[0].status_list
    # Revoking a badge issued before the switch works, and shows in its own list.
    badges.revoke(earlier[0], reason="Erreur de saisie.", actor=None)
    badges.revoke(later[1], reason="Fraude établie.", actor=None)
    credentials = [c.document for c in (*earlier, *later)]
    results = reference_verifier(credentials, published(client, *credentials))
    for credential, result in zip(credentials, results, strict=True):
        assert result["verified"] is True, (credential["issuer"]["id"], result)
        assert result["status"]["verified"] is True, result
    revoked = [result["status"]["revoked"] for result in results]
    expected = [c.pk in (earlier[0].pk, later[1].pk) for c in (*earlier, *later)]
    assert revoked == expected


def test_a_list_signed_by_another_issuer_is_refused(
    reference_verifier,  # noqa: F811
    installation,
    settings,
    ops_version,
    client,
):
    """What went wrong before: the did:key badge's list served signed by the did:web."""
    earlier = issue(ops_version, not_acquired=B3_FAILED)[0].document
    settings.ACQUIS_BADGE_ISSUER_METHOD = "did:web"
    documents = published(client, earlier)
    url = earlier["credentialStatus"]["statusListCredential"]
    listed = {k: v for k, v in documents[url].items() if k != "proof"}
    listed["issuer"] = badges.did_web()
    documents[url] = badges.sign(listed, installation)
    result = reference_verifier([earlier], documents)[0]
    assert result["verified"] is False and result["status"]["verified"] is False
    assert (
        "Issuers of the status list credential and verifiable credential do not match"
        in (result["status"]["error"])
    )
