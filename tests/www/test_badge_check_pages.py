"""The public page that checks a badge file (/badges/verifier/)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from acquis.credentials import badges
from tests.credentials.test_badges import FIXTURES, fixture
from tests.juries import factories as jf

URL = "/badges/verifier/"


def text(response) -> str:
    import html

    return " ".join(html.unescape(response.content.decode()).split())


def test_the_url():
    assert reverse("public:badge_check") == URL


@pytest.mark.django_db
def test_the_form_is_offered_to_anyone(client):
    page = text(client.get(URL))
    assert "Vérifier un badge numérique" in page
    assert "Fichier du badge (JSON, ou image PNG ou SVG)" in page
    assert "Ou collez le contenu du badge" in page
    assert "Adresse électronique du titulaire (facultatif)" in page


@pytest.mark.django_db
def test_an_uploaded_real_badge_is_valid(client):
    upload = SimpleUploadedFile(
        "badge.json", json.dumps(fixture("noStatus-noExpiry-basicOBv3")).encode()
    )
    response = client.post(URL, {"file": upload})
    assert response.status_code == 200
    page = text(response)
    assert "Badge valide" in page and "Signature valide." in page


@pytest.mark.django_db
def test_a_multi_proof_badge_is_valid_and_its_other_proof_named(client):
    both = FIXTURES / "v2__bothSignatureTypes__didkey__legacy-noStatus-noExpiry.json"
    response = client.post(URL, {"content": both.read_text(encoding="utf-8")})
    page = text(response)
    assert response.status_code == 200
    assert "Badge valide" in page and "non valide" not in page
    assert "Preuve non prise en charge, non vérifiée : Ed25519Signature2020" in page


@pytest.mark.django_db
def test_a_pasted_badge_of_ours_revoked(client, settings, ops_version):
    settings.ACQUIS_BADGE_KEY = badges.key_to_multibase(badges.generate_key())
    candidacy = jf.ready_candidacy(ops_version)
    decision = jf.decided_and_signed(ops_version, [candidacy]).decisions.get()
    title = badges.issue_for_decision(decision, actor=None)[0]
    badges.revoke(title, reason="Erreur.", actor=None)
    response = client.post(URL, {"content": json.dumps(title.document)})
    page = text(response)
    assert "Badge révoqué par son émetteur" in page
    assert badges.holder_name(candidacy.candidate) in page


@pytest.mark.django_db
def test_a_changed_badge_is_refused(client):
    credential = fixture("noStatus-noExpiry-basicOBv3")
    credential["name"] = "Autre"
    page = text(client.post(URL, {"content": json.dumps(credential)}))
    assert "Badge non valide : signature refusée" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choisissez le fichier du badge ou collez son contenu JSON."),
        ({"content": "{pas du json"}, "JSON illisible (ligne 1, colonne 2)"),
        (
            {"file": SimpleUploadedFile("b.json", b"[]")},
            "le JSON doit être un objet",
        ),
    ],
)
def test_bad_input_names_the_problem(client, data, message):
    response = client.post(URL, data)
    assert response.status_code == 400
    assert message in text(response)
