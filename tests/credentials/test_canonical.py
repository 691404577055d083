"""RDFC-1.0 canonicalisation reproduces the 1EdTech test vectors, offline."""

from pathlib import Path

import pytest

from acquis.credentials import canonical

VECTORS = Path(__file__).resolve().parents[1] / "data" / "openbadges" / "test-vectors"

# The unsigned credential and proof configuration of the OB 3.0 specification's test vectors
# (Appendix "Test Vectors", eddsa-rdfc-2022), whose canonical N-Quads are the saved files.
DOCUMENT = {
    "@context": [canonical.CREDENTIALS_V2, canonical.OB_V3P0],
    "id": "http://example.com/credentials/3527",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {
        "id": "https://example.edu/issuers/565049",
        "type": ["Profile"],
        "name": "Example Corp",
        "url": "https://www.imsglobal.org",
    },
    "validFrom": "2010-01-01T00:00:00Z",
    "name": "Teamwork Badge",
    "credentialSubject": {
        "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://example.com/achievements/21st-century-skills/teamwork",
            "type": ["Achievement"],
            "criteria": {
                "narrative": "Team members are nominated for this badge by their peers and "
                "recognized upon review by Example Corp management."
            },
            "description": "This badge recognizes the development of the capacity to "
            "collaborate within a group environment.",
            "name": "Teamwork",
        },
    },
}
PROOF_CONFIG = {
    "@context": DOCUMENT["@context"],
    "type": "DataIntegrityProof",
    "created": "2010-01-01T19:23:24Z",
    "verificationMethod": "https://example.edu/issuers/565049"
    "#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
    "cryptosuite": "eddsa-rdfc-2022",
    "proofPurpose": "assertionMethod",
}


def test_document_reproduces_the_test_vector():
    expected = (VECTORS / "obv3p0_document-canon.txt").read_text(encoding="utf-8")
    assert canonical.canonicalize(DOCUMENT) == expected


def test_proof_configuration_reproduces_the_test_vector():
    expected = (VECTORS / "obv3p0_proof-canon.txt").read_text(encoding="utf-8")
    assert canonical.canonicalize(PROOF_CONFIG) == expected


def test_a_changed_value_changes_the_canonical_form_and_its_hash():
    changed = {**DOCUMENT, "name": "Teamwork Badge (modifié)"}
    assert canonical.canonicalize(changed) != canonical.canonicalize(DOCUMENT)
    assert canonical.canonical_hash(changed) != canonical.canonical_hash(DOCUMENT)
    assert len(canonical.canonical_hash(DOCUMENT)) == 32


def test_key_order_does_not_matter():
    reordered = dict(reversed(list(DOCUMENT.items())))
    assert canonical.canonicalize(reordered) == canonical.canonicalize(DOCUMENT)


def test_an_unknown_context_is_refused_with_its_url():
    document = {**DOCUMENT, "@context": [*DOCUMENT["@context"], "https://example.org/ctx.json"]}
    with pytest.raises(canonical.UnknownContextError) as error:
        canonical.canonicalize(document)
    assert str(error.value).startswith(
        "Contexte JSON-LD « https://example.org/ctx.json » non disponible hors ligne"
    )


def test_the_loader_serves_only_the_vendored_contexts():
    loaded = canonical.document_loader(canonical.OB_V3P0)
    assert loaded["document"]["@context"]["OpenBadgeCredential"]
    with pytest.raises(canonical.UnknownContextError):
        canonical.document_loader("https://www.w3.org/2018/credentials/v1")
