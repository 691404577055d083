# ruff: noqa: F811 - the fixtures imported from test_verification are parameters here
"""The public verification page's field (/verifier/?code=…): a document number or its
verification code finds the document; anything else is « introuvable », nothing more; every
number look-up counts against the IP's limit (numbers are sequential)."""

import pytest
from django.urls import reverse

from acquis.juries.enums import DecisionKind
from tests.credentials.test_verification import (  # noqa: F401 - fixtures
    _fresh_cache,
    issued,
    signed_total_and_partial,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_settings")]

URL = reverse("public:verify_lookup")


def test_the_empty_page_offers_a_phone_friendly_field(client):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Numéro du document ou code de vérification" in page
    for attribute in ('inputmode="text"', 'autocomplete="off"', 'autocapitalize="off"'):
        assert attribute in page
    assert "introuvable" not in page


@pytest.mark.parametrize("typed", ["number", "lower number", "code"])
def test_a_number_or_a_code_finds_the_document(client, issued, typed):
    document = issued[DecisionKind.TOTAL]
    value = {
        "number": f"  {document.number} ",
        "lower number": document.number.lower(),
        "code": document.verification_code,
    }[typed]
    response = client.get(URL, {"code": value})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Document valide" in page and document.number in page
    # The code of the document is never shown to who typed its number.
    assert document.verification_code not in page or typed == "code"


def test_nothing_matching_is_introuvable_and_nothing_more(client, issued):
    response = client.get(URL, {"code": "OPS-1999-9999"})
    assert response.status_code == 404
    page = response.content.decode()
    assert "Document introuvable" in page
    assert "Document valide" not in page and "révoqué" not in page


def test_an_empty_field_is_named(client):
    response = client.get(URL, {"code": "  "})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()


def test_number_look_ups_are_limited_per_ip_even_when_found(client, issued, settings):
    settings.ACQUIS_VERIFY_MAX_FAILURES = 3
    number = issued[DecisionKind.TOTAL].number
    for _ in range(3):
        assert client.get(URL, {"code": number}).status_code == 200
    blocked = client.get(URL, {"code": number})
    assert blocked.status_code == 429
    assert "Trop de vérifications infructueuses" in blocked.content.decode()
    # The QR code's own address shares the same limit.
    code = issued[DecisionKind.TOTAL].verification_code
    assert client.get(reverse("public:verify_document", args=[code])).status_code == 429


def test_a_found_code_does_not_count(client, issued, settings):
    settings.ACQUIS_VERIFY_MAX_FAILURES = 2
    code = issued[DecisionKind.TOTAL].verification_code
    for _ in range(4):
        assert client.get(URL, {"code": code}).status_code == 200
