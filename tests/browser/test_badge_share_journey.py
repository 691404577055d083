"""The holder shows a badge: from their documents, the share page (the badge image, the
LinkedIn link), downloads the baked PNG and the Europass file; an employer drops the image
on the public badge check with the holder's address (Chromium, axe-core on each page)."""

import io
import json

import jsonschema
import pytest
from PIL import Image

from acquis.candidates.portal import give_portal_access
from acquis.credentials import badges, issuing
from acquis.credentials.signing import create_demo_pair
from tests.browser.conftest import assert_accessible
from tests.browser.test_signing_journey import log_in
from tests.conftest import PASSWORD
from tests.credentials.test_europass import SCHEMA
from tests.juries import factories as jf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def issued(settings, tmp_path, ops_version, personas):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    create_demo_pair(key, cert, organisation="OPS Conseil")
    settings.ACQUIS_PDF_SIGNING_KEY, settings.ACQUIS_PDF_SIGNING_CERT = key, cert
    settings.ACQUIS_BADGE_KEY = badges.key_to_multibase(badges.generate_key())
    candidacy = jf.ready_candidacy(ops_version)
    decision = jf.decided_and_signed(ops_version, [candidacy]).decisions.get()
    issuing.issue_decision_documents(decision, actor=None)
    title = badges.issue_for_decision(decision, actor=None)[0]
    holder = give_portal_access(candidacy.candidate, actor=personas["administrateur"])
    holder.is_active = True
    holder.set_password(PASSWORD)
    holder.save()
    return title, holder


def test_the_holder_shares_a_badge_and_an_employer_checks_its_image(issued, page, live_server):
    # `issued` before `page`: pyHanko signs with asyncio.run, impossible inside the loop
    # that Playwright runs in this thread.
    title, holder = issued
    base = live_server.url

    log_in(page, base, holder.email, "/mon-dossier/documents-delivres/")
    page.get_by_role("link", name="Montrer et partager ce badge : Titre").click()
    page.get_by_role("heading", name="Partager mon badge").wait_for()
    image = page.get_by_role("img", name="Badge numérique : Certification professionnelle")
    image.wait_for()
    # Visible is not loaded (the image is drawn by its own request): wait until the browser
    # has decoded it; a broken image never gets a width and the wait times out.
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=15000
    )
    linkedin = page.get_by_role("link", name="Ajouter à mon profil LinkedIn")
    assert linkedin.get_attribute("href").startswith("https://www.linkedin.com/profile/add?")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Image du badge (PNG)").click()
    png = download.value.path().read_bytes()
    baked = json.loads(Image.open(io.BytesIO(png)).text["openbadgecredential"])
    assert baked["id"] == title.credential_id

    with page.expect_download() as download:
        page.get_by_role("link", name="Fichier Europass (JSON-LD)").click()
    europass = json.loads(download.value.path().read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(SCHEMA).validate(europass)

    page.context.clear_cookies()  # the employer: not signed in
    page.goto(f"{base}/badges/verifier/")
    page.get_by_label("Fichier du badge (JSON, ou image PNG ou SVG)").set_input_files(
        files=[{"name": "badge.png", "mimeType": "image/png", "buffer": png}]
    )
    page.get_by_label("Adresse électronique du titulaire (facultatif)").fill(holder.email)
    page.get_by_role("button", name="Vérifier le badge").click()
    page.get_by_role("status").filter(has_text="Badge valide").wait_for()
    assert "est bien celle du titulaire du badge" in page.content()
    assert_accessible(page)
