"""Badges people can show: the holder's hashed e-mail address (OB 3.0 IdentityObject), the
achievement image, the baked PNG and SVG read back by independent readers (Pillow, the
standard library's ElementTree), the share page with its LinkedIn link, and the public
badge check reading an image and matching an address."""

import hashlib
import io
import json
import xml.etree.ElementTree as ET  # noqa: S405 - our own file, read by the standard parser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from PIL import Image

from acquis.credentials import badges, documents, issuing
from acquis.credentials.models import IssuedCredential
from tests.credentials.test_badges import B3_FAILED, schema_validator
from tests.juries import factories as jf
from tests.www.test_decision_portal import portal as open_portal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_settings")]
OB = "{https://purl.imsglobal.org/ob/v3p0}"


@pytest.fixture(autouse=True)
def badge_key(settings):
    settings.ACQUIS_BADGE_KEY = badges.key_to_multibase(badges.generate_key())


@pytest.fixture
def holder(ops_version):
    """A partial validation (blocks 1, 2, 4) with its documents and badges issued."""
    candidacy = jf.ready_candidacy(ops_version, not_acquired=B3_FAILED)
    decision = jf.decided_and_signed(ops_version, [candidacy]).decisions.get()
    issuing.issue_decision_documents(decision, actor=None)
    issued = badges.issue_for_decision(decision, actor=None)
    return decision, issued


@pytest.fixture
def portal(client, holder, personas):
    decision, issued = holder
    open_portal(client, decision.candidacy, personas["administrateur"])
    return client, issued


def test_the_holder_is_identified_by_a_salted_hash_of_their_address(holder):
    decision, issued = holder
    document = issued[0].document
    email = decision.candidacy.candidate.email.lower()
    (hashed,) = [i for i in document["credentialSubject"]["identifier"] if i.get("hashed")]
    assert hashed["identityType"] == "emailAddress" and len(hashed["salt"]) == 32
    digest = hashlib.sha256((email + hashed["salt"]).encode()).hexdigest()
    assert hashed["identityHash"] == f"sha256${digest}"  # OB 3.0: sha256$ + hex(address+salt)
    assert email not in json.dumps(document)
    assert badges.matches_email(document, email.upper()) is True
    assert badges.matches_email(document, "autre@exemple.fr") is False
    salts = {i["salt"] for c in issued for i in c.document["credentialSubject"]["identifier"]
             if i.get("hashed")}  # fmt: skip
    assert len(salts) == len(issued)  # one salt per badge: badges cannot be linked by hash
    assert badges.verify(document).ok
    schema_validator().validate(document)


def test_each_achievement_has_its_public_image(holder, client):
    _, issued = holder
    block = next(c for c in issued if c.block_id)
    image = block.document["credentialSubject"]["achievement"]["image"]
    assert image["type"] == "Image" and image["caption"].startswith("Badge du bloc")
    response = client.get(urlsplit(image["id"]).path)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(response.content)  # noqa: S314
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert client.post(urlsplit(image["id"]).path).status_code == 405
    version = block.decision.deliberation.version
    assert client.get(
        reverse("public:badge_achievement_image", args=[version.pk, "B3"])
    ).status_code == (
        404  # no badge of block 3 was issued
    )
    assert client.get(
        reverse("public:badge_achievement_image", args=[version.pk, "titre"])
    ).status_code == (
        404  # nor of the title (a partial validation)
    )


def test_the_baked_png_and_svg_carry_the_signed_badge(portal):
    client, issued = portal
    credential = next(c for c in issued if c.block_id)
    png = client.get(reverse("candidate:badge_image", args=[credential.pk, "png"]))
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert "attachment;" in png["Content-Disposition"]
    picture = Image.open(io.BytesIO(png.content))  # an independent PNG reader
    assert picture.format == "PNG" and picture.size == (800, 800)
    baked = json.loads(picture.text["openbadgecredential"])  # iTXt chunk (OB 3.0 §5.3)
    assert baked == credential.document and badges.verify(baked).ok
    svg = client.get(reverse("candidate:badge_image", args=[credential.pk, "svg"]))
    root = ET.fromstring(svg.content)  # noqa: S314
    found = root.find(f"{OB}credential")
    assert list(root).index(found) in (0, 1)  # right after the opening tag (and its title)
    assert json.loads(found.text) == credential.document
    assert root.find("{http://www.w3.org/2000/svg}title").text.startswith("Badge numérique")
    assert (
        client.get(reverse("candidate:badge_image", args=[credential.pk, "gif"])).status_code == 404
    )
    assert client.post(
        reverse("candidate:badge_image", args=[credential.pk, "png"])
    ).status_code == (405)


def test_the_public_check_reads_a_badge_image_and_matches_the_address(portal, holder):
    client, issued = portal
    decision, _ = holder
    credential = issued[0]
    png = client.get(reverse("candidate:badge_image", args=[credential.pk, "png"])).content
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.logout()
    page = client.post(
        reverse("public:badge_check"),
        {"file": SimpleUploadedFile("badge.png", png), "email": decision.candidacy.candidate.email},
    )
    text = page.content.decode()
    assert page.status_code == 200 and "Badge valide" in text
    assert "est bien celle du titulaire du badge" in text
    page = client.post(
        reverse("public:badge_check"),
        {"file": SimpleUploadedFile("badge.png", png), "email": "intrus@exemple.fr"},
    )
    assert "intrus@exemple.fr n&#x27;est pas celle du titulaire" in page.content.decode()
    plain = SimpleUploadedFile("image.png", _png())
    page = client.post(reverse("public:badge_check"), {"file": plain})
    assert page.status_code == 400
    assert "Image PNG sans badge" in page.content.decode()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_share_page_offers_linkedin_the_files_and_the_check(portal, holder):
    client, issued = portal
    decision, _ = holder
    credential = next(c for c in issued if c.block_id)
    page = client.get(reverse("candidate:badge_share", args=[credential.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    link = next(
        part.split('"')[0]
        for part in html.split('href="')
        if part.startswith("https://www.linkedin.com/profile/add")
    )
    query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    attestation = decision.issued_documents.get(kind="block_attestation")
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == [credential.document["name"]]
    assert query["organizationName"] == ["OPS Conseil"]
    assert query["issueYear"] == [str(decision.deliberation.date.year)]
    assert query["certUrl"] == [documents.verify_url(attestation.verification_code)]
    assert query["certId"] == [attestation.number]
    for name, args in (
        ("candidate:badge_image", [credential.pk, "png"]),
        ("candidate:badge_image", [credential.pk, "svg"]),
        ("candidate:badge", [credential.pk]),
        ("candidate:document_europass", [attestation.pk]),
    ):
        assert f'href="{reverse(name, args=args)}"' in html
    assert client.post(reverse("candidate:badge_share", args=[credential.pk])).status_code == 405
    # Revoked: said so, and no LinkedIn link any more.
    badges.revoke(credential, reason="Erreur de saisie.", actor=None)
    html = client.get(reverse("candidate:badge_share", args=[credential.pk])).content.decode()
    assert "Ce badge a été révoqué" in html and "linkedin.com" not in html


def test_another_holders_badge_is_not_shown(portal, ops_version):
    client, _ = portal
    other = jf.ready_candidacy(ops_version)
    decision = jf.decided_and_signed(ops_version, [other]).decisions.get()
    theirs = badges.issue_for_decision(decision, actor=None)[0]
    assert IssuedCredential.objects.filter(pk=theirs.pk).exists()
    for name, args in (
        ("candidate:badge_share", [theirs.pk]),
        ("candidate:badge_image", [theirs.pk, "png"]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404
