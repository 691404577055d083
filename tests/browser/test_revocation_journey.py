"""The holder downloads their badge; staff revoke it (keyboard, reason and confirmation);
an employer checks the file on the public page and reads that it is revoked; staff revoke
the certificate and the public verification says so; staff issue a duplicata and its own
verification page names the original (Chromium, axe-core on each page)."""

import json

import pytest

from acquis.candidates.portal import give_portal_access
from acquis.credentials import badges, documents
from acquis.credentials.models import IssuedCredential, IssuedDocument
from acquis.credentials.signing import create_demo_pair
from tests.browser.conftest import assert_accessible
from tests.browser.test_signing_journey import log_in
from tests.conftest import PASSWORD
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
    certificate = documents.issue_for_decision(decision, actor=None)
    title = badges.issue_for_decision(decision, actor=None)[0]
    holder = give_portal_access(candidacy.candidate, actor=personas["administrateur"])
    holder.is_active = True
    holder.set_password(PASSWORD)
    holder.save()
    return certificate, title, holder


def test_revoke_a_badge_then_an_employer_checks_it(issued, page, live_server, personas):
    # `issued` before `page`: pyHanko signs with asyncio.run, impossible inside the loop
    # that Playwright runs in this thread.
    certificate, title, holder = issued
    base = live_server.url

    log_in(page, base, holder.email, "/mon-dossier/documents-delivres/")
    page.get_by_role("heading", name="Badges numériques (Open Badges 3.0)").wait_for()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le badge signé (JSON) : Titre").click()
    badge_file = download.value.path()
    assert json.loads(badge_file.read_text(encoding="utf-8"))["id"] == title.credential_id

    log_in(page, base, personas["responsable_epreuves"].email, f"/gestion/badges/{title.pk}/")
    page.get_by_role("heading", name="Badge numérique : Titre").wait_for()
    assert "Signature valide." in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Révoquer le badge").click()  # nothing filled in
    assert "Confirmez la révocation en cochant la case." in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    page.get_by_label("Motif de la révocation").fill("Délivré à tort : décision mal reportée.")
    page.get_by_label("Je confirme : la révocation est définitive.").press("Space")
    page.get_by_label("Je confirme : la révocation est définitive.").press("Enter")
    page.get_by_text(f"Le badge « Titre — {title.document['name']} » est révoqué.").wait_for()
    assert IssuedCredential.objects.get(pk=title.pk).revoked_at is not None

    page.context.clear_cookies()
    page.goto(f"{base}/badges/verifier/")
    page.get_by_role("heading", name="Vérifier un badge numérique").wait_for()
    assert_accessible(page)
    page.get_by_label("Fichier du badge (JSON, ou image PNG ou SVG)").set_input_files(badge_file)
    page.get_by_role("button", name="Vérifier le badge").click()
    page.get_by_role("status").filter(has_text="Badge révoqué par son émetteur").wait_for()
    assert_accessible(page)

    log_in(
        page,
        base,
        personas["administrateur"].email,
        f"/gestion/documents-delivres/{certificate.pk}/fiche/",
    )
    page.get_by_role("heading", name=f"n° {certificate.number}").wait_for()
    assert_accessible(page)
    form = page.locator("form").filter(has=page.get_by_role("button", name="Révoquer le document"))
    form.get_by_label("Nature de la révocation").select_option(label="Erreur de délivrance")
    form.get_by_label("Motif de la révocation").fill("Délivré à tort.")
    form.get_by_label("Je confirme").check()
    form.get_by_role("button", name="Révoquer le document").click()
    page.get_by_text(f"Le document n° {certificate.number} est révoqué.").wait_for()
    assert IssuedDocument.objects.get(pk=certificate.pk).revoked_at is not None
    page.context.clear_cookies()
    page.goto(f"{base}/verifier/{certificate.verification_code}/")
    page.get_by_text("Document révoqué le").wait_for()
    page.get_by_text("Erreur de délivrance").wait_for()
    assert_accessible(page)


def test_issue_a_duplicata_and_verify_it(issued, page, live_server, personas):
    certificate, _, _ = issued
    base = live_server.url
    log_in(
        page,
        base,
        personas["administrateur"].email,
        f"/gestion/documents-delivres/{certificate.pk}/fiche/",
    )
    page.get_by_role("heading", name="Délivrer un duplicata").wait_for()
    form = page.locator("form").filter(has=page.get_by_role("button", name="Délivrer un duplicata"))
    form.get_by_role("button", name="Délivrer un duplicata").click()  # nothing filled in
    assert "Confirmez le duplicata en cochant la case." in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    form = page.locator("form").filter(has=page.get_by_role("button", name="Délivrer un duplicata"))
    form.get_by_label("Motif du duplicata").fill("Original perdu (demande du titulaire).")
    form.get_by_label("Je confirme").press("Space")
    form.get_by_label("Je confirme").press("Enter")
    page.get_by_text(f"Un duplicata du document n° {certificate.number} est délivré").wait_for()
    assert_accessible(page)
    duplicate = IssuedDocument.objects.get(duplicate_of=certificate)
    assert IssuedDocument.objects.get(pk=certificate.pk).revoked_at is None
    page.context.clear_cookies()
    page.goto(f"{base}/verifier/{duplicate.verification_code}/")
    page.get_by_text("Document valide").wait_for()
    page.get_by_text(f"Duplicata du Certificat (parchemin) n° {certificate.number}").wait_for()
    assert_accessible(page)
