"""The `acquis credentials` command: keygen, list --format json, badge NUMBER."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from acquis.credentials import badges
from acquis.credentials.enums import DocumentKind
from acquis.credentials.models import IssuedDocument
from tests.credentials.test_badges import (
    badge_key,  # noqa: F401  (autouse fixture)
    signed,  # noqa: F401
    three_signed,  # noqa: F401
)


def run(*args) -> str:
    out = StringIO()
    call_command("credentials", *args, stdout=out)
    return out.getvalue()


def test_keygen_creates_a_private_key_once(settings, tmp_path):
    settings.ACQUIS_BADGE_KEY = ""
    settings.ACQUIS_BADGE_KEY_FILE = tmp_path / "keys" / "badges.key"
    assert run("keygen").startswith(
        f"Clé créée : {settings.ACQUIS_BADGE_KEY_FILE} ; émetteur did:key:z6Mk"
    )
    assert settings.ACQUIS_BADGE_KEY_FILE.stat().st_mode & 0o777 == 0o600
    first = settings.ACQUIS_BADGE_KEY_FILE.read_text()
    assert "Clé déjà présente" in run("keygen")
    assert settings.ACQUIS_BADGE_KEY_FILE.read_text() == first
    run("keygen", "--force")
    assert settings.ACQUIS_BADGE_KEY_FILE.read_text() != first


@pytest.mark.django_db
def test_list_json_and_badge_by_id_or_certificate_number(signed):  # noqa: F811
    total, _, _ = signed
    issued = badges.issue_for_decision(total, actor=None)
    IssuedDocument.objects.create(
        certifier=total.deliberation.certifier,
        kind=DocumentKind.CERTIFICATE,
        number="OPS-2025-000001",
        decision=total,
        candidate=total.candidacy.candidate,
        verification_code="code-test-1",
        file="issued/test.pdf",
        sha256="0" * 64,
        issued_at=timezone.now(),
    )
    listing = json.loads(run("list", "--format", "json"))
    assert [d["number"] for d in listing["documents"]] == ["OPS-2025-000001"]
    assert [c["block"] for c in listing["credentials"]] == [None, "B1", "B2", "B3", "B4"]
    assert listing["credentials"][0]["id"] == issued[0].credential_id
    by_id = json.loads(run("badge", issued[2].credential_id))
    assert by_id == issued[2].document and badges.verify(by_id).ok
    assert json.loads(run("badge", "OPS-2025-000001")) == issued[0].document
    assert json.loads(run("badge", "OPS-2025-000001", "--bloc", "B3")) == issued[3].document
    assert "5 badge(s) délivré(s)" in run("list")


@pytest.mark.django_db
def test_badge_unknown_number_is_a_clear_error():
    with pytest.raises(CommandError) as error:
        run("badge", "RIEN-0001")
    assert str(error.value).startswith("Aucun badge ni certificat « RIEN-0001 »")
