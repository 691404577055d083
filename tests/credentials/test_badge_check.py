"""The public check of a badge file: real fixtures, our own badges (valid, revoked,
expired), tampered ones, and every kind of unreadable file — with French messages."""

import copy
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from acquis.credentials import badge_check, badges
from tests.credentials.test_badges import FIXTURES, fixture
from tests.juries import factories as jf

B3_FAILED = ["C3.2.1"]


@pytest.fixture(autouse=True)
def badge_key(settings):
    key = badges.generate_key()
    settings.ACQUIS_BADGE_KEY = badges.key_to_multibase(key)
    settings.SITE_URL = "https://acquis.example.fr"
    return key


@pytest.fixture
def our_badges(db, ops_version):
    candidacy = jf.ready_candidacy(ops_version, not_acquired=B3_FAILED)
    decision = jf.decided_and_signed(ops_version, [candidacy]).decisions.get()
    return decision, badges.issue_for_decision(decision, actor=None)


def test_a_real_fixture_is_valid_but_its_status_cannot_be_read():
    result = badge_check.check(fixture("noStatus-noExpiry-basicOBv3"))
    assert result.signature_ok and result.valid
    assert result.verdict == "Badge valide"
    assert result.revoked is None and "aucune liste de statuts" in result.status_note
    assert result.issuer_id.startswith("did:key:z6Mk")


def test_one_changed_field_is_refused():
    credential = fixture("noStatus-noExpiry-basicOBv3")
    credential["name"] = "Autre chose"
    result = badge_check.check(credential)
    assert not result.valid and result.verdict == "Badge non valide : signature refusée"
    assert "Signature invalide" in result.signature


def test_the_tampered_fixture_is_refused():
    path = FIXTURES / "v2__ed25519__didKey__legacy-noStatus-noExpiry-tampered.json"
    result = badge_check.check(json.loads(path.read_text(encoding="utf-8")))
    assert not result.signature_ok and "Preuve non prise en charge" in result.signature
    assert result.verdict == "Preuve non prise en charge : ce badge ne peut pas être vérifié ici"


def test_a_valid_proof_set_is_valid_with_its_other_proof_named():
    path = FIXTURES / "v2__bothSignatureTypes__didkey__legacy-noStatus-noExpiry.json"
    result = badge_check.check(json.loads(path.read_text(encoding="utf-8")))
    assert result.valid and result.verdict == "Badge valide"
    assert "non vérifiée : Ed25519Signature2020" in result.notes[0]


@pytest.mark.django_db
def test_our_badge_is_valid_then_revoked(our_badges):
    decision, issued = our_badges
    block = next(c for c in issued if c.block_id)
    result = badge_check.check(block.document)
    assert result.valid and result.revoked is False
    assert result.achievement == block.block.title and result.achievement_type == "Competency"
    assert result.holder == badges.holder_name(decision.candidacy.candidate)
    assert result.issuer_name == decision.deliberation.certifier.name
    assert not result.valid_until  # a block is acquired for good
    badges.revoke(block, reason="Délivré par erreur.", actor=None)
    result = badge_check.check(block.document)
    assert result.revoked is True and not result.valid
    assert result.verdict == "Badge révoqué par son émetteur"


@pytest.mark.django_db
def test_an_expired_badge_is_flagged(our_badges, badge_key):
    _, issued = our_badges
    document = copy.deepcopy(issued[0].document)
    document.pop("proof")
    document["validUntil"] = (timezone.now() - timedelta(days=1)).isoformat()
    result = badge_check.check(badges.sign(document, badge_key))
    assert result.signature_ok and not result.valid
    assert result.verdict == "Badge hors de sa période de validité"
    assert any("expiré" in warning for warning in result.warnings)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "le fichier est vide"),
        (b"\xff\xfe\x00", "n'est pas un texte UTF-8"),
        (b'{"a": 1,\n "b": }', "JSON illisible (ligne 2, colonne 7)"),
        (b"[1, 2]", "doit être un objet"),
        (b'{"type": ["Autre"]}', "n'est pas un justificatif vérifiable"),
        (b"{" + b" " * (600 * 1024) + b"}", "fichier trop volumineux (600 Kio"),
    ],
)
def test_unreadable_files_get_a_french_reason(data, message):
    with pytest.raises(badge_check.BadgeFileError, match=re.escape(message)):
        badge_check.parse(data)


def test_a_strange_structure_never_crashes():
    credential = {"type": ["VerifiableCredential"], "issuer": ["x"], "proof": "nope"}
    result = badge_check.check(credential)
    assert not result.valid and result.signature


def test_dates_are_written_in_french():
    assert badge_check._day("2026-06-01T00:00:00+02:00") == "1er juin 2026"
    assert badge_check._day("pas une date") == "pas une date"
