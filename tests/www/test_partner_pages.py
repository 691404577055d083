"""Partner screens (/partenaire/) through the test client: the candidacies of one's own
organisation only, read-only, plus the work placement attestation through the verb."""

import re
from datetime import date
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from acquis.audit.models import AuditEvent
from acquis.candidates import services
from acquis.candidates.enums import CandidacyStatus
from acquis.organisations.enums import Habilitation, OrganisationKind, Role
from acquis.organisations.models import Organisation
from acquis.organisations.services import grant_role
from tests import factories
from tests.conftest import PASSWORD

S = CandidacyStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def habilitated(partner):
    partner.habilitation = Habilitation.PREPARE
    partner.save(update_fields=["habilitation"])
    return partner


@pytest.fixture
def rival(certifier):
    return Organisation.objects.create(
        kind=OrganisationKind.PARTNER,
        name="Insertion Conseil",
        certifier=certifier,
        habilitation=Habilitation.BOTH,
    )


@pytest.fixture
def partner_client(client, personas):
    assert client.login(email=personas["partenaire"].email, password=PASSWORD)
    return client


def _training(version, partner, days=20, **identity):
    person = factories.candidate(version.certification.owner, **identity)
    candidacy = factories.candidacy(version, person=person, partner=partner, started=True)
    placement = services.record_placement(
        candidacy, host_structure="Mission locale", position="Accueil", tutor_name="M. Roux"
    )
    services.add_placement_period(
        placement, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 31), days_worked=days
    )
    return candidacy, placement


def _html(response) -> str:
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_the_list_shows_own_candidacies_only(partner_client, ops_version, habilitated, rival):
    mine, _ = _training(ops_version, habilitated, birth_name="Petit")
    vae = factories.candidacy(ops_version, partner=habilitated, vae=True)
    theirs, _ = _training(ops_version, rival, birth_name="Grand")
    html = _html(partner_client.get(reverse("partner:candidacies")))
    assert "Formation Plus" in html
    assert "2 candidatures" in html
    assert reverse("partner:candidacy", args=[mine.pk]) in html
    assert reverse("partner:candidacy", args=[vae.pk]) in html
    assert reverse("partner:candidacy", args=[theirs.pk]) not in html
    assert "PETIT" in html and "GRAND" not in html
    assert "En formation / en évaluation" in html and "Inscrit" in html  # states in words
    assert re.search(r"20 jours\s+sur 29", html)
    assert "Sans objet" in html  # no work placement on the VAE path


def test_the_list_costs_a_constant_number_of_queries(
    partner_client, ops_version, habilitated, django_assert_max_num_queries
):
    _training(ops_version, habilitated)
    with django_assert_max_num_queries(13) as few:  # 12 + the second-factor status
        partner_client.get(reverse("partner:candidacies"))
    for _ in range(4):
        _training(ops_version, habilitated)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = _html(partner_client.get(reverse("partner:candidacies")))
    assert "5 candidatures" in html


def test_staff_of_two_partners_see_both(client, personas, ops_version, habilitated, rival):
    grant_role(personas["partenaire"], rival, Role.PARTNER_STAFF)
    _training(ops_version, habilitated)
    _training(ops_version, rival)
    client.login(email=personas["partenaire"].email, password=PASSWORD)
    html = _html(client.get(reverse("partner:candidacies")))
    assert "2 candidatures" in html and '<th scope="col">Organisme</th>' in html


def test_the_dossier_is_read_only(partner_client, ops_version, habilitated, personas):
    candidacy, placement = _training(ops_version, habilitated, birth_name="Petit")
    services.submit_memoir(candidacy, upload=factories.pdf_upload("memoire.pdf"))
    services.confirm_memoir_part(candidacy, part_code="M1", actor=personas["responsable_epreuves"])
    html = _html(partner_client.get(reverse("partner:candidacy", args=[candidacy.pk])))
    assert "<h1>PETIT" in html
    assert "<strong>20 jours sur 29</strong> exigés" in html
    assert html.count("Pas encore vérifiée") == 6
    assert "memoire.pdf" in html
    # The only upload is the attestation; no grading, no decision, no other form.
    main = html.split("<main")[1]
    forms = re.findall(r'<form method="post"\s+action="([^"]+)"', main)
    attestation = reverse("partner:placement_attestation", args=[candidacy.pk, placement.pk])
    assert forms == [attestation]
    assert "/gestion/" not in html


@pytest.mark.parametrize("name", ["partner:candidacy", "partner:placement_attestation"])
def test_another_partners_candidacy_is_404(partner_client, ops_version, habilitated, rival, name):
    theirs, placement = _training(ops_version, rival)
    args = [theirs.pk] if name == "partner:candidacy" else [theirs.pk, placement.pk]
    assert partner_client.get(reverse(name, args=args)).status_code == 404


def test_a_candidacy_without_partner_is_404(partner_client, ops_version, habilitated):
    alone, _ = _training(ops_version, None)
    url = reverse("partner:candidacy", args=[alone.pk])
    assert partner_client.get(url).status_code == 404


def test_another_candidacys_placement_is_404(partner_client, ops_version, habilitated, rival):
    mine, _ = _training(ops_version, habilitated)
    _, theirs = _training(ops_version, rival)
    url = reverse("partner:placement_attestation", args=[mine.pk, theirs.pk])
    response = partner_client.post(url, {"file": factories.pdf_upload()})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.attestation is None


def test_attestation_upload_through_the_verb(partner_client, ops_version, habilitated, personas):
    candidacy, placement = _training(ops_version, habilitated)
    url = reverse("partner:placement_attestation", args=[candidacy.pk, placement.pk])
    bad = SimpleUploadedFile("attestation.pdf", b"GIF89a", content_type="application/pdf")
    html = _html(partner_client.post(url, {"file": bad}))
    assert "seuls les fichiers PDF, DOCX et ODT sont acceptés" in html
    assert 'aria-describedby="id_file_helptext id_file_error"' in html
    response = partner_client.post(url, {"file": factories.pdf_upload("attestation.pdf")})
    assert response.url == reverse("partner:candidacy", args=[candidacy.pk]) + "#stage"
    placement.refresh_from_db()
    assert placement.attestation.original_name == "attestation.pdf"
    event = AuditEvent.objects.for_object(placement).get(verb="placement.attestation_attached")
    assert event.actor == personas["partenaire"]
    html = _html(partner_client.get(response.url))
    assert "L'attestation de stage est déposée." in html
    assert reverse("documents:download", args=[placement.attestation.uuid]) in html


def test_no_attestation_once_the_candidacy_is_closed(partner_client, ops_version, habilitated):
    candidacy, placement = _training(ops_version, habilitated)
    services.move_candidacy(candidacy, S.ABANDONED, reason="Sans nouvelles")
    html = _html(partner_client.get(reverse("partner:candidacy", args=[candidacy.pk])))
    assert 'type="file"' not in html
    url = reverse("partner:placement_attestation", args=[candidacy.pk, placement.pk])
    html = _html(partner_client.post(url, {"file": factories.pdf_upload()}))
    assert "n'est plus en cours" in html
    placement.refresh_from_db()
    assert placement.attestation is None
