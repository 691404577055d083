"""The candidate portal (/mon-dossier/) through the test client: one's own dossier only,
uploads through the domain verbs, errors in French beside the field."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from acquis.audit.models import AuditEvent
from acquis.candidates import services
from acquis.candidates.enums import AccommodationKind, CandidacyStatus
from acquis.candidates.models import Candidacy, Memoir
from acquis.candidates.portal import give_portal_access
from acquis.organisations.enums import Role
from tests import factories
from tests.conftest import PASSWORD, make_user

S = CandidacyStatus
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def person(personas, certifier):
    """The candidate persona's dossier, linked to its account."""
    candidate = factories.candidate(
        certifier, birth_name="Martin", first_name="Léa", email=personas["candidat"].email
    )
    give_portal_access(candidate, actor=personas["administrateur"])
    return candidate


@pytest.fixture
def candidate_client(client, personas):
    assert client.login(email=personas["candidat"].email, password=PASSWORD)
    return client


def _training(ops_version, person, **kwargs):
    candidacy = factories.candidacy(ops_version, person=person, started=True, **kwargs)
    placement = services.record_placement(
        candidacy, host_structure="Mission locale de Bron", position="Accueil", tutor_name="M. Roux"
    )
    services.add_placement_period(
        placement, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 27), days_worked=20
    )
    return candidacy, placement


def _html(response) -> str:
    assert response.status_code == 200
    return unescape(response.content.decode())


def _upload(client, name, candidacy, *extra, file=None):
    url = reverse(name, args=[candidacy.pk, *extra])
    return client.post(url, {"file": file or factories.pdf_upload("memoire.pdf")})


# --- what the candidate sees -------------------------------------------------------------


def test_dossier_shows_identity_and_candidacies(candidate_client, person, ops_version):
    candidacy, _ = _training(ops_version, person)
    html = _html(candidate_client.get(reverse("candidate:dossier")))
    assert "<h1>Mon dossier</h1>" in html
    assert "MARTIN Léa" in html and "Lyon" in html
    assert "vous ne pouvez pas les modifier vous-même" in html
    assert reverse("candidate:candidacy", args=[candidacy.pk]) in html
    assert "En formation / en évaluation" in html  # the state in words
    assert "20 jours" in html and "sur 29" in html
    assert "<input" not in html.split("</header>")[1]  # identity is read-only


def test_candidacy_page_shows_the_whole_training_dossier(
    candidate_client, person, ops_version, personas
):
    candidacy, placement = _training(ops_version, person)
    Candidacy.objects.filter(pk=candidacy.pk).update(
        memoir_deadline=timezone.localdate() + timedelta(days=10)
    )
    services.add_accommodation(candidacy, kind=AccommodationKind.EXTRA_TIME, extra_minutes=30)
    withdrawn = services.add_accommodation(candidacy, kind=AccommodationKind.ACCESSIBLE_ROOM)
    services.withdraw_accommodation(withdrawn)
    html = _html(candidate_client.get(reverse("candidate:candidacy", args=[candidacy.pk])))
    assert "État : <strong>En formation / en évaluation</strong>" in html
    for code in ("B1", "B2", "B3", "B4"):
        assert f'<span class="code">{code}</span>' in html
    assert "<strong>20 jours sur 29</strong> exigés" in html
    assert "Il manque 9 jours." in html
    assert "Mission locale de Bron — Accueil" in html
    assert "Il reste 10 jours pour déposer le mémoire." in html
    assert html.count("Pas encore vérifiée") == 7
    assert "Temps supplémentaire : 30 min" in html
    assert "Salle accessible" not in html  # withdrawn measures are gone
    assert reverse("candidate:memoir", args=[candidacy.pk]) in html
    assert reverse("candidate:placement_attestation", args=[candidacy.pk, placement.pk]) in html
    assert reverse("candidate:admissibility", args=[candidacy.pk]) not in html  # not VAE


def test_memoir_checklist_and_late_warning(candidate_client, person, ops_version, personas):
    candidacy, _ = _training(ops_version, person)
    Candidacy.objects.filter(pk=candidacy.pk).update(memoir_deadline=date(2020, 1, 1))
    url = reverse("candidate:candidacy", args=[candidacy.pk])
    html = _html(candidate_client.get(url))
    assert "La date limite est dépassée et le mémoire n'est pas déposé" in html
    assert "En retard" in html
    services.submit_memoir(candidacy, upload=factories.pdf_upload("memoire.pdf"))
    for code in ("M1", "M2", "M3"):
        services.confirm_memoir_part(
            candidacy, part_code=code, actor=personas["responsable_epreuves"]
        )
    html = _html(candidate_client.get(url))
    assert "Le mémoire a été déposé après la date limite." in html
    assert len(re.findall(r"\bConfirmée\b", html)) == 3
    assert html.count("Pas encore vérifiée") == 4
    assert "4 parties sur 7 restent à confirmer." in html


def test_a_user_without_linked_dossier_is_told_politely(candidate_client, personas):
    html = _html(candidate_client.get(reverse("candidate:dossier")))
    assert "Votre dossier de candidat n'est pas encore ouvert." in html
    assert "OPS Conseil" in html


def test_the_dossier_needs_the_candidate_role_in_its_certifier(
    client, certifier, other_certifier, ops_version
):
    """A candidate role held elsewhere does not open this certifier's dossier."""
    user = make_user("ailleurs@test.fr", other_certifier, Role.CANDIDATE)
    candidate = factories.candidate(certifier)
    candidate.user = user
    candidate.save(update_fields=["user"])
    candidacy = factories.candidacy(ops_version, person=candidate)
    client.login(email=user.email, password=PASSWORD)
    assert "pas encore ouvert" in _html(client.get(reverse("candidate:dossier")))
    url = reverse("candidate:candidacy", args=[candidacy.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "candidate:candidacy",
        "candidate:memoir",
        "candidate:admissibility",
        "candidate:validation_file",
    ],
)
def test_another_candidates_candidacy_is_404(candidate_client, person, ops_version, name):
    _training(ops_version, person)
    others, _ = _training(ops_version, factories.candidate(ops_version.certification.owner))
    assert candidate_client.get(reverse(name, args=[others.pk])).status_code == 404
    response = candidate_client.post(reverse(name, args=[others.pk]), {})
    assert response.status_code in (404, 405)


def test_another_candidacys_placement_is_404(candidate_client, person, ops_version):
    mine, _ = _training(ops_version, person)
    _, theirs = _training(ops_version, factories.candidate(ops_version.certification.owner))
    url = reverse("candidate:placement_attestation", args=[mine.pk, theirs.pk])
    assert candidate_client.get(url).status_code == 404
    response = candidate_client.post(url, {"file": factories.pdf_upload()})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.attestation is None


# --- uploads -------------------------------------------------------------------------------


def test_memoir_upload_goes_through_the_verb(candidate_client, person, personas, ops_version):
    candidacy, _ = _training(ops_version, person)
    response = _upload(candidate_client, "candidate:memoir", candidacy)
    assert response.status_code == 302
    assert response.url == reverse("candidate:candidacy", args=[candidacy.pk]) + "#memoire"
    memoir = candidacy.memoir
    assert memoir.document.original_name == "memoire.pdf"
    event = AuditEvent.objects.for_object(memoir).get()
    assert event.verb == "memoir.submitted" and event.actor == personas["candidat"]
    html = _html(candidate_client.get(response.url))
    assert "Votre mémoire est déposé." in html
    assert reverse("documents:download", args=[memoir.document.uuid]) in html
    assert "Remplacer le mémoire" in html


def test_upload_errors_are_in_french_beside_the_field(
    candidate_client, person, ops_version, settings
):
    candidacy, _ = _training(ops_version, person)
    text = SimpleUploadedFile("memoire.pdf", b"pas un PDF du tout", content_type="application/pdf")
    html = _html(_upload(candidate_client, "candidate:memoir", candidacy, file=text))
    assert "seuls les fichiers PDF, DOCX et ODT sont acceptés" in html
    assert 'id="id_file_error"' in html
    assert 'aria-describedby="id_file_helptext id_file_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'href="#id_file"' in html  # the summary leads to the field
    html = _html(candidate_client.post(reverse("candidate:memoir", args=[candidacy.pk]), {}))
    assert "Choisissez le fichier à déposer." in html
    settings.ACQUIS_UPLOAD_MAX_BYTES = 100
    html = _html(_upload(candidate_client, "candidate:memoir", candidacy))
    assert "au-delà de la limite" in html
    empty = SimpleUploadedFile("vide.pdf", b"", content_type="application/pdf")
    html = _html(_upload(candidate_client, "candidate:memoir", candidacy, file=empty))
    assert "le fichier est vide" in html
    assert not Memoir.objects.filter(candidacy=candidacy, document__isnull=False).exists()


def test_attestation_upload_to_an_own_placement(candidate_client, person, ops_version):
    candidacy, placement = _training(ops_version, person)
    response = _upload(candidate_client, "candidate:placement_attestation", candidacy, placement.pk)
    assert response.url.endswith("#stage")
    placement.refresh_from_db()
    assert placement.attestation.kind == "work_placement_attestation"
    html = _html(candidate_client.get(response.url))
    assert "L'attestation de stage est déposée." in html
    assert "Remplacer l'attestation" in html


def test_closed_candidacy_takes_no_upload(candidate_client, person, ops_version):
    candidacy, _ = _training(ops_version, person)
    services.move_candidacy(candidacy, S.WITHDRAWN, reason="Déménagement")
    html = _html(candidate_client.get(reverse("candidate:candidacy", args=[candidacy.pk])))
    assert "Cette candidature est close (désistement)." in html
    assert 'type="file"' not in html
    html = _html(_upload(candidate_client, "candidate:memoir", candidacy))
    assert "n'est plus en cours" in html and 'type="file"' not in html
    assert not Memoir.objects.filter(candidacy=candidacy).exists()


def test_vae_steps_with_decisions_and_reasons(candidate_client, person, personas, ops_version):
    manager = personas["responsable_epreuves"]
    candidacy = factories.candidacy(ops_version, person=person, vae=True)
    url = reverse("candidate:candidacy", args=[candidacy.pk])
    html = _html(candidate_client.get(url))
    assert "Première étape : déposez votre demande de recevabilité." in html
    assert reverse("candidate:admissibility", args=[candidacy.pk]) in html
    assert reverse("candidate:validation_file", args=[candidacy.pk]) not in html
    refused = _html(candidate_client.get(reverse("candidate:validation_file", args=[candidacy.pk])))
    assert "une fois la demande de recevabilité acceptée" in refused
    memoir = _html(candidate_client.get(reverse("candidate:memoir", args=[candidacy.pk])))
    assert "Le mémoire ne concerne pas la voie VAE" in memoir

    response = _upload(candidate_client, "candidate:admissibility", candidacy)
    assert response.url.endswith("#recevabilite")
    candidacy.refresh_from_db()
    assert candidacy.status == S.ADMISSIBILITY_PENDING
    assert "En cours d'examen" in _html(candidate_client.get(url))
    services.decide_admissibility(
        candidacy.admissibility_requests.get(),
        decision="incomplete",
        reason="Attestations d'emploi manquantes",
        actor=manager,
    )
    html = _html(candidate_client.get(url))
    assert "Incomplète, le" in html and "Attestations d'emploi manquantes" in html
    _upload(candidate_client, "candidate:admissibility", candidacy)
    services.decide_admissibility(
        candidacy.admissibility_requests.last(), decision="admissible", actor=manager
    )

    response = _upload(candidate_client, "candidate:validation_file", candidacy)
    assert response.url.endswith("#dossier-de-validation")
    candidacy.refresh_from_db()
    assert candidacy.status == S.VALIDATION_FILE_SUBMITTED
    services.decide_validation_file(
        candidacy.validation_files.get(),
        decision="incomplete",
        reason="Activité 3 non décrite",
        actor=manager,
    )
    html = _html(candidate_client.get(url))
    assert "Incomplet, le" in html and "Activité 3 non décrite" in html
    # Two admissibility requests and one validation file, each downloadable.
    assert len(set(re.findall(r"/documents/([0-9a-f-]{36})/", html))) == 3


def test_the_dossier_lists_only_own_documents(candidate_client, person, ops_version):
    candidacy, _ = _training(ops_version, person)
    others, _ = _training(ops_version, factories.candidate(ops_version.certification.owner))
    theirs = services.submit_memoir(others, upload=factories.pdf_upload("le-leur.pdf"))
    mine = services.submit_memoir(candidacy, upload=factories.pdf_upload("le-mien.pdf"))
    html = _html(candidate_client.get(reverse("candidate:candidacy", args=[candidacy.pk])))
    assert str(mine.document.uuid) in html
    assert str(theirs.document.uuid) not in html and "le-leur.pdf" not in html


def test_replacing_a_checked_memoir_asks_to_confirm_the_checks_are_undone(
    candidate_client, person, personas, ops_version
):
    candidacy, _ = _training(ops_version, person)
    services.submit_memoir(candidacy, upload=factories.pdf_upload("memoire.pdf"))
    staff = personas["responsable_epreuves"]
    for code in ("M1", "M2"):
        services.confirm_memoir_part(candidacy, part_code=code, actor=staff)
    page = _html(candidate_client.get(reverse("candidate:candidacy", args=[candidacy.pk])))
    assert "annule la vérification de 2 parties déjà confirmées" in page
    first = candidacy.memoir.document_id

    refused = _html(_upload(candidate_client, "candidate:memoir", candidacy))
    assert "Cochez la case pour confirmer le remplacement du fichier." in refused
    candidacy.memoir.refresh_from_db()
    assert candidacy.memoir.document_id == first  # nothing replaced
    assert services.memoir_summary(candidacy)["parts"][0]["confirmed"]

    url = reverse("candidate:memoir", args=[candidacy.pk])
    response = candidate_client.post(
        url, {"file": factories.pdf_upload("nouveau.pdf"), "confirm_replace": "on"}
    )
    assert response.status_code == 302
    candidacy.memoir.refresh_from_db()
    assert candidacy.memoir.document_id != first
    assert not any(p["confirmed"] for p in services.memoir_summary(candidacy)["parts"])


def test_a_first_memoir_needs_no_confirmation(candidate_client, person, ops_version):
    candidacy, _ = _training(ops_version, person)
    page = _html(candidate_client.get(reverse("candidate:candidacy", args=[candidacy.pk])))
    assert "confirm_replace" not in page
