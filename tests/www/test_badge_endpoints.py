"""Public Open Badges endpoints: the issuer Profile and the status list credential."""

import json
from pathlib import Path

import jsonschema
import pytest
from django.urls import reverse

from acquis.credentials import badges, status_list
from acquis.credentials.models import StatusList
from tests.credentials.test_badges import (
    badge_key,  # noqa: F401  (autouse fixture)
    signed,  # noqa: F401
    three_signed,  # noqa: F401  (the module world `signed` reads)
)

pytestmark = pytest.mark.django_db
SCHEMA = Path(__file__).resolve().parents[1] / "data" / "openbadges" / "schema"


def test_issuer_profile_is_a_valid_ob_profile(client, certifier, badge_key):  # noqa: F811
    response = client.get(reverse("public:badge_issuer_profile", args=[certifier.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    profile = response.json()
    assert profile["id"] == badges.did_key(badge_key.public_key())
    assert profile["name"] == "OPS Conseil"
    schema = json.loads((SCHEMA / "ob_v3p0_profile_schema.json").read_text())
    jsonschema.Draft201909Validator(schema).validate(profile)


def test_issuer_profile_404_for_a_partner_or_unknown(client, partner):
    assert client.get(reverse("public:badge_issuer_profile", args=[partner.pk])).status_code == 404
    assert client.get(reverse("public:badge_issuer_profile", args=[999999])).status_code == 404


def test_status_list_shows_a_revocation(client, signed):  # noqa: F811
    total, _, _ = signed
    title = badges.issue_for_decision(total, actor=None)[0]
    url = title.document["credentialStatus"]["statusListCredential"]
    path = reverse("public:badge_status_list", args=[title.status_list.key])
    assert url == "https://acquis.example.fr" + path

    def bit() -> bool:
        document = client.get(path).json()
        assert badges.verify(document).ok
        encoded = document["credentialSubject"]["encodedList"]
        return status_list.is_set(status_list.decode(encoded), title.status_index)

    assert bit() is False
    badges.revoke(title, reason="Erreur de saisie.", actor=None)
    assert bit() is True


def test_status_list_404_without_a_list(client, certifier):
    assert not StatusList.objects.exists()
    assert (
        client.get(reverse("public:badge_status_list", args=[str(certifier.pk)])).status_code == 404
    )
    assert (
        client.post(reverse("public:badge_issuer_profile", args=[certifier.pk])).status_code == 405
    )


def test_without_a_signing_key_the_endpoints_say_so(client, certifier, settings, tmp_path):
    settings.ACQUIS_BADGE_KEY = ""
    settings.ACQUIS_BADGE_KEY_FILE = tmp_path / "absente.key"
    listed = StatusList.objects.create(certifier=certifier, issuer="did:key:z6Mk", key="liste")
    for name, arg in (
        ("public:badge_issuer_profile", certifier.pk),
        ("public:badge_status_list", listed.key),
    ):
        response = client.get(reverse(name, args=[arg]))
        assert response.status_code == 503, name
        text = response.content.decode()
        assert "Service des badges indisponible" in text and "acquis credentials keygen" in text
