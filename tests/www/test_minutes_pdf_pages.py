"""The signed PV and the decision letters through the pages: staff and jury members download
the PV once issued, the public verification of a PV discloses no candidate's name, a letter
verifies like a certificate, and every template has its preview."""

from html import unescape

import pytest
from django.core.cache import cache
from django.urls import reverse

from acquis.credentials import documents, issuing
from acquis.credentials.enums import DocumentKind
from acquis.organisations.enums import Role
from acquis.www.staff.credential_views import PREVIEWS
from tests.conftest import PASSWORD, make_user
from tests.credentials.conftest import signing_pair, signing_settings  # noqa: F401 (fixtures)
from tests.juries import factories as jf
from tests.juries.test_minutes import decided

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_settings")]


@pytest.fixture
def signed(ops_version):
    cache.clear()  # the verification's rate limit
    deliberation, candidacies = decided(ops_version, count=2)
    pv = jf.sign_all(deliberation)
    return deliberation, pv, candidacies


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def body(response) -> bytes:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def stored(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def test_staff_download_the_signed_pv_once_issued(client, personas, signed):
    deliberation, pv, _ = signed
    login(client, personas["responsable_epreuves"])
    url = reverse("staff:minutes", args=[deliberation.pk])
    page = client.get(url).content.decode()
    assert "Le procès-verbal signé n'est pas encore délivré en PDF" in page
    assert reverse("staff:deliberation_documents", args=[deliberation.pk]) in page
    document = issuing.issue_minutes(deliberation, actor=personas["responsable_epreuves"])
    page = client.get(url).content.decode()
    download = reverse("staff:issued_document", args=[document.pk])
    assert download in page and "Télécharger le procès-verbal signé (PDF)" in page
    response = client.get(download)
    assert f'filename="{pv.number}.pdf"' in response["Content-Disposition"]
    assert body(response) == stored(document)


def test_jury_members_download_the_signed_pv(client, signed, certifier):
    deliberation, pv, _ = signed
    member = jf.member_users(deliberation)[0]
    url = reverse("jury:minutes_pdf", args=[deliberation.pk])
    login(client, member)
    assert client.get(url).status_code == 404  # not issued yet
    page = client.get(reverse("jury:minutes", args=[deliberation.pk])).content.decode()
    assert "sera téléchargeable ici une fois délivré" in page and url not in page
    document = issuing.issue_minutes(deliberation, actor=None)
    page = client.get(reverse("jury:minutes", args=[deliberation.pk])).content.decode()
    assert url in page
    assert body(client.get(url)) == stored(document)
    # A juror who does not sit on this jury: 404, as for the PV page itself.
    outsider = make_user("autre.jure@jury.fr", certifier, Role.JUROR)
    client.logout()
    login(client, outsider)
    assert client.get(url).status_code == 404


def test_the_public_verification_of_a_pv_names_no_candidate(client, signed):
    deliberation, pv, candidacies = signed
    document = issuing.issue_minutes(deliberation, actor=None)
    response = client.get(reverse("public:verify_document", args=[document.verification_code]))
    assert response.status_code == 200
    page = " ".join(unescape(response.content.decode()).split())
    assert "Document valide" in page
    assert f"Procès-verbal de délibération n° {pv.number}" in page
    assert f"Jury de certification — {deliberation.title}" in page
    assert "Décisions consignées" in page and pv.content_hash in page
    for candidacy in candidacies:
        person = candidacy.candidate
        assert person.birth_name not in page and person.birth_name.upper() not in page
        assert person.full_name not in page
    assert "Titulaire" not in page
    documents.revoke_document(document, reason="Erreur matérielle.", actor=None)
    page = client.get(reverse("public:verify_document", args=[document.verification_code]))
    assert "Document révoqué" in page.content.decode()


def test_a_letter_verifies_like_a_certificate(client, signed):
    deliberation, _, (candidacy, _) = signed
    decision = deliberation.decisions.get(candidacy=candidacy)
    (letter,) = issuing.issue_decision_documents(decision, actor=None)
    response = client.get(reverse("public:verify_document", args=[letter.verification_code]))
    page = " ".join(unescape(response.content.decode()).split())
    person = candidacy.candidate
    assert "Document valide" in page and "Lettre de décision" in page
    assert "Décision du jury" in page and "Refus de validation" in page
    assert f"{person.first_name[0]}{'*' * (len(person.first_name) - 1)}" in page
    assert person.birth_name.upper() not in page
    assert "<dd> Lettre de décision </dd>" in page  # no number of its own


def test_every_template_has_its_preview(client, personas):
    login(client, personas["responsable_epreuves"])
    listing = client.get(reverse("staff:credentials")).content.decode()
    expected = {
        "proces-verbal",
        "lettre-validation-totale",
        "lettre-validation-partielle",
        "lettre-refus",
        "grille-evaluateur",
        "resultat-consolide",
    }
    assert expected <= set(PREVIEWS)
    for slug, preview in PREVIEWS.items():
        url = reverse("staff:document_preview", args=[slug])
        assert url in listing and preview.label in unescape(listing)
        response = client.get(url)
        assert response.status_code == 200 and response.content.startswith(b"%PDF-")
        assert response["Content-Disposition"] == f'inline; filename="apercu-{slug}.pdf"'
    assert DocumentKind.MINUTES.label in unescape(listing)
