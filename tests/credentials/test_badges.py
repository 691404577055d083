"""Open Badges 3.0: eddsa-rdfc-2022 verification of real fixtures, signing, issuing."""

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from acquis.audit.models import AuditEvent
from acquis.credentials import badges, status_list
from acquis.credentials.models import IssuedCredential
from acquis.juries.models import Decision
from tests.conftest import module_world
from tests.juries import factories as jf

DATA = Path(__file__).resolve().parents[1] / "data" / "openbadges"
FIXTURES = DATA / "vc-test-fixtures"
PREFIX = "v2__dataIntegrityProof__didKey__legacyRegistry-"
VERIFIABLE = [
    "noStatus-noExpiry-OBSpecExample",
    "noStatus-noExpiry-alignments",
    "noStatus-noExpiry-basicOBv3",
    "noStatus-noExpiry-minimal",
    "noStatus-notExpired-withSchema",
]
B3_FAILED = ["C3.2.1"]


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{PREFIX}{name}.json").read_text(encoding="utf-8"))


def schema_validator() -> jsonschema.Draft201909Validator:
    schema = json.loads((DATA / "schema" / "ob_v3p0_achievementcredential_schema.json").read_text())
    return jsonschema.Draft201909Validator(schema)


@pytest.fixture(autouse=True)
def badge_key(settings):
    """A fresh installation key per test (never the developer's var/ file)."""
    key = badges.generate_key()
    settings.ACQUIS_BADGE_KEY = badges.key_to_multibase(key)
    settings.SITE_URL = "https://acquis.example.fr"
    return key


# --- verification of real, independently signed credentials --------------------------------


@pytest.mark.parametrize("name", VERIFIABLE)
def test_real_fixtures_verify(name):
    result = badges.verify(fixture(name))
    assert result.ok, result.reason
    assert result.issuer.startswith("did:key:z6Mk")


@pytest.mark.parametrize("name", VERIFIABLE)
def test_one_field_changed_fails(name):
    credential = fixture(name)
    credential["validFrom"] = "2011-01-01T00:00:00Z"
    result = badges.verify(credential)
    assert not result.ok
    assert result.reason == "Signature invalide : le justificatif a été modifié ou mal signé."


def test_the_tampered_fixture_of_another_suite_is_not_accepted():
    path = FIXTURES / "v2__ed25519__didKey__legacy-noStatus-noExpiry-tampered.json"
    result = badges.verify(json.loads(path.read_text()))
    assert not result.ok and result.unsupported
    assert result.reason == (
        "Preuve non prise en charge : Ed25519Signature2020 "
        "(seule DataIntegrityProof eddsa-rdfc-2022 est vérifiée ici)."
    )


BOTH = FIXTURES / "v2__bothSignatureTypes__didkey__legacy-noStatus-noExpiry.json"


def test_a_proof_set_is_valid_by_its_eddsa_rdfc_2022_proof():
    """The same credential signed with eddsa-rdfc-2022 and with Ed25519Signature2020: the
    first proof is checked, the second named as not checked."""
    result = badges.verify(json.loads(BOTH.read_text()))
    assert result.ok, result.reason
    assert not result.unsupported
    assert result.notes == [
        "Preuve non prise en charge, non vérifiée : Ed25519Signature2020 (la preuve "
        "eddsa-rdfc-2022 suffit à établir la signature)."
    ]


def test_a_proof_set_with_one_field_changed_fails():
    credential = json.loads(BOTH.read_text())
    credential["name"] = "Autre badge"
    result = badges.verify(credential)
    assert not result.ok and not result.unsupported
    assert result.reason == "Signature invalide : le justificatif a été modifié ou mal signé."


def test_an_unknown_context_is_not_a_verdict():
    credential = fixture("noStatus-noExpiry-minimal")
    credential["@context"] = [*credential["@context"], "https://exemple.fr/contexte.json"]
    result = badges.verify(credential)
    assert not result.ok and result.unsupported
    assert result.reason.startswith("Preuve non vérifiable ici : Contexte JSON-LD")


def test_unsigned_and_foreign_key_credentials_are_rejected():
    credential = fixture("noStatus-noExpiry-minimal")
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    assert badges.verify(unsigned).reason == "Le justificatif n'a pas de preuve (proof)."
    other = copy.deepcopy(credential)
    other["issuer"] = badges.did_key(badges.generate_key().public_key())
    assert "n'est pas celle de l'émetteur" in badges.verify(other).reason
    garbled = copy.deepcopy(credential)
    garbled["proof"]["proofValue"] = "z123"
    assert badges.verify(garbled).reason == "Signature illisible (proofValue base58btc attendu)."


# --- signing --------------------------------------------------------------------------------


def test_sign_round_trip_and_schema(badge_key):
    credential = fixture("noStatus-noExpiry-basicOBv3")
    del credential["proof"]
    did = badges.did_key(badge_key.public_key())
    credential["issuer"]["id"] = did
    signed = badges.sign(credential, badge_key)
    assert signed["proof"][0]["verificationMethod"] == f"{did}#{did[8:]}"
    assert signed["proof"][0]["proofValue"].startswith("z")
    assert badges.verify(signed).ok
    schema_validator().validate(signed)
    signed["credentialSubject"]["achievement"]["name"] = "Autre"
    assert not badges.verify(signed).ok


def test_key_multibase_round_trip_and_bad_keys(settings, badge_key):
    text = badges.key_to_multibase(badge_key)
    assert text.startswith("z3u2")
    assert badges.key_from_multibase(text).private_bytes_raw() == badge_key.private_bytes_raw()
    with pytest.raises(badges.BadgeError, match="Clé de signature des badges illisible"):
        badges.key_from_multibase("zabc")
    settings.ACQUIS_BADGE_KEY = ""
    settings.ACQUIS_BADGE_KEY_FILE = Path("/nonexistent/badges.key")
    with pytest.raises(badges.BadgeError, match="acquis credentials keygen"):
        badges.signing_key()


# --- issuing from decisions -----------------------------------------------------------------


def _three_signed(version) -> list[int]:
    total = jf.ready_candidacy(version)
    partial = jf.ready_candidacy(version, not_acquired=B3_FAILED)
    refused = jf.ready_candidacy(version, not_acquired=["C1.1.1", "C2.1.1", "C3.2.1", "C4.1.1"])
    deliberation = jf.decided_and_signed(version, [total, partial, refused])
    by = {d.candidacy_id: d.pk for d in Decision.objects.filter(deliberation=deliberation)}
    return [by[total.pk], by[partial.pk], by[refused.pk]]


three_signed = module_world(_three_signed)  # built once for the module's tests


@pytest.fixture
def signed(db, three_signed, ops_version):
    """Three decisions signed: total, partial (B3 not acquired), refusal."""
    decisions = Decision.objects.in_bulk(three_signed)
    return tuple(decisions[pk] for pk in three_signed)


def _subject_name(credential: IssuedCredential) -> str:
    return credential.document["credentialSubject"]["identifier"][0]["identityHash"]


@pytest.mark.django_db
def test_total_validation_issues_the_title_and_every_block(signed, badge_key):
    total, _, _ = signed
    issued = badges.issue_for_decision(total, actor=None)
    assert [c.block.code if c.block else None for c in issued] == [None, "B1", "B2", "B3", "B4"]
    title = issued[0].document
    assert title["type"] == ["VerifiableCredential", "AchievementCredential"]
    assert title["credentialSubject"]["achievement"]["achievementType"] == "Certification"
    assert "alignment" not in title["credentialSubject"]["achievement"]  # no RNCP number known
    assert title["issuer"]["id"] == badges.did_key(badge_key.public_key())
    assert title["issuer"]["name"] == total.deliberation.certifier.name
    assert title["validFrom"].startswith(total.deliberation.date.isoformat())
    assert "validUntil" not in title
    candidate = total.candidacy.candidate
    assert _subject_name(issued[0]) == candidate.full_name  # the one naming rule
    types = {c.document["credentialSubject"]["achievement"]["achievementType"] for c in issued}
    assert types == {"Certification", "Competency"}
    assert sorted(c.status_index for c in issued) == [0, 1, 2, 3, 4]
    validator = schema_validator()
    for credential in issued:
        assert badges.verify(credential.document).ok
        validator.validate(credential.document)
        status = credential.document["credentialStatus"]
        assert status["type"] == "BitstringStatusListEntry"
        assert status["statusListIndex"] == str(credential.status_index)
        assert status["statusListCredential"].startswith("https://acquis.example.fr/badges/")
    event = AuditEvent.objects.get(verb="badges.issued")
    assert event.payload["blocks"] == [None, "B1", "B2", "B3", "B4"]


@pytest.mark.django_db
def test_issuing_is_idempotent(signed):
    total, _, _ = signed
    first = badges.issue_for_decision(total, actor=None)
    again = badges.issue_for_decision(total, actor=None)
    assert [c.pk for c in again] == [c.pk for c in first]
    assert IssuedCredential.objects.count() == 5
    assert AuditEvent.objects.filter(verb="badges.issued").count() == 1


@pytest.mark.django_db
def test_partial_validation_issues_held_blocks_acquired_for_good(signed):
    _, partial, refused = signed
    issued = badges.issue_for_decision(partial, actor=None)
    assert [c.block.code for c in issued] == ["B1", "B2", "B4"]
    for credential in issued:
        achievement = credential.document["credentialSubject"]["achievement"]
        assert achievement["achievementType"] == "Competency"
        assert "validUntil" not in credential.document  # a block is acquired for good
    assert badges.issue_for_decision(refused, actor=None) == []


@pytest.mark.django_db
def test_rncp_alignment_only_when_the_number_is_known(signed):
    total, _, _ = signed
    version = total.deliberation.version
    version.registry_kind, version.registry_number = "RNCP", "36612"
    block = version.blocks.get(code="B1")
    block.registry_code = "RNCP36612BC01"
    title = badges.title_achievement(version)
    assert title["alignment"] == [
        {
            "type": ["Alignment"],
            "targetName": version.title,
            "targetUrl": "https://www.francecompetences.fr/recherche/rncp/36612/",
            "targetCode": "RNCP36612",
            "targetFramework": "Répertoire national des certifications professionnelles (RNCP)",
        }
    ]
    assert badges.block_achievement(version, block)["alignment"][0]["targetCode"] == (
        "RNCP36612BC01"
    )
    other = version.blocks.get(code="B2")
    assert "alignment" not in badges.block_achievement(version, other)


@pytest.mark.django_db
def test_only_a_frozen_decision_issues_badges(ops_version):
    candidacy = jf.ready_candidacy(ops_version)
    deliberation = jf.deliberation(ops_version, [candidacy])
    decision = jf.decide_as_proposed(deliberation, candidacy)
    with pytest.raises(badges.BadgeError) as error:
        badges.issue_for_decision(decision, actor=None)
    assert str(error.value) == (
        "Badges : seule une décision figée (procès-verbal signé) peut en délivrer."
    )
    assert not IssuedCredential.objects.exists()


@pytest.mark.django_db
def test_revoke_sets_the_bit_and_needs_a_reason(signed):
    total, _, _ = signed
    title, b1 = badges.issue_for_decision(total, actor=None)[:2]
    with pytest.raises(badges.BadgeError, match="le motif est obligatoire"):
        badges.revoke(title, reason=" ", actor=None)
    assert status_list.is_revoked(title.document) is False
    badges.revoke(title, reason="Fraude établie.", actor=None)
    assert status_list.is_revoked(title.document) is True
    assert status_list.is_revoked(b1.document) is False
    with pytest.raises(badges.BadgeError, match="déjà révoqué"):
        badges.revoke(title, reason="Encore.", actor=None)
    event = AuditEvent.objects.get(verb="badges.revoked")
    assert event.payload == {"reason": "Fraude établie.", "status_index": title.status_index}


@pytest.mark.django_db
def test_for_candidate_lists_the_holders_badges(signed):
    total, partial, _ = signed
    badges.issue_for_decision(total, actor=None)
    badges.issue_for_decision(partial, actor=None)
    mine = badges.for_candidate(partial.candidacy.candidate)
    assert sorted(c.block.code for c in mine) == ["B1", "B2", "B4"]
