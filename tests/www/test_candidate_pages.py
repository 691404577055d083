"""Staff candidate screens through the test client."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from acquis.audit.models import AuditEvent
from acquis.candidates.models import Candidacy, Candidate
from tests import factories
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, personas):
    client.login(email=personas["responsable_epreuves"].email, password=PASSWORD)
    return client


IDENTITY = {
    "birth_name": "Moreau",
    "first_name": "Inès",
    "sex": "F",
    "birth_date": "1992-04-17",
    "birth_insee_code": "69123",
    "birth_city": "Lyon",
    "email": "ines.moreau@exemple.fr",
}


def test_create_a_candidate_then_register_them(manager_client, ops_version):
    response = manager_client.post(reverse("staff:candidate_new"), IDENTITY)
    candidate = Candidate.objects.get()
    assert response.url == reverse("staff:candidate", args=[candidate.pk])
    response = manager_client.post(
        reverse("staff:candidacy_new", args=[candidate.pk]),
        {
            "version": ops_version.pk,
            "pathway": "training",
            "access_mode": "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
            "blocks": ["B1", "B3"],
        },
    )
    candidacy = Candidacy.objects.get()
    assert response.url == reverse("staff:candidacy", args=[candidacy.pk])
    assert sorted(b.code for b in candidacy.blocks.all()) == ["B1", "B3"]
    html = manager_client.get(response.url).content.decode()
    assert "0 jour(s) sur 29 exigés" in html
    assert "Aucune donnée médicale" in html


def test_identity_errors_are_shown_on_the_field(manager_client, ops_version):
    data = IDENTITY | {"birth_insee_code": "6912"}
    response = manager_client.post(reverse("staff:candidate_new"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Le code INSEE de naissance compte 5 caractères" in html
    assert 'id="id_birth_insee_code_error"' in html
    assert not Candidate.objects.exists()


def test_duplicate_is_refused_on_the_form(manager_client, certifier):
    factories.candidate(
        certifier,
        birth_name="Moreau",
        first_name="Inès",
        birth_date=__import__("datetime").date(1992, 4, 17),
    )
    html = manager_client.post(reverse("staff:candidate_new"), IDENTITY).content.decode()
    assert "Doublon" in html or "existe déjà" in html
    assert Candidate.objects.count() == 1


def test_registration_errors_name_the_field(manager_client, ops_version, certifier):
    person = factories.candidate(certifier)
    html = manager_client.post(
        reverse("staff:candidacy_new", args=[person.pk]),
        {"version": ops_version.pk, "pathway": "vae"},
    ).content.decode()
    assert "Précisez la voie VAE" in html
    assert not Candidacy.objects.exists()


def _action(client, candidacy, action, data=None, **files):
    url = reverse("staff:candidacy_action", args=[candidacy.pk, action])
    response = client.post(url, {**(data or {}), **files}, follow=True)
    return response.content.decode()


def test_training_dossier_actions(manager_client, ops_version):
    candidacy = factories.candidacy(ops_version)
    html = _action(manager_client, candidacy, "etat", {"to_status": "in_progress"})
    assert "En formation / en évaluation" in html
    _action(
        manager_client,
        candidacy,
        "stage",
        {"host_structure": "Mission locale", "position": "Conseillère", "tutor_name": "M. Roux"},
    )
    placement = candidacy.placements.get()
    html = _action(
        manager_client,
        candidacy,
        "periode",
        {
            "placement": placement.pk,
            "starts_on": "2026-03-02",
            "ends_on": "2026-04-17",
            "days_worked": 29,
        },
    )
    assert "29 jour(s) sur 29 exigés" in html and "exigence remplie" in html
    html = _action(
        manager_client,
        candidacy,
        "periode",
        {
            "placement": placement.pk,
            "starts_on": "2026-04-20",
            "ends_on": "2026-04-21",
            "days_worked": 5,
        },
    )
    assert "Jours travaillés : Entre 1 et 2." in html
    html = _action(manager_client, candidacy, "memoire", file=factories.pdf_upload("m.pdf"))
    assert "Mémoire déposé." in html
    html = _action(manager_client, candidacy, "partie-memoire", {"part_code": "M3"})
    assert "Partie du mémoire confirmée." in html
    html = _action(manager_client, candidacy, "etat", {"to_status": "abandoned"})
    assert "Motif : Le motif est obligatoire." in html


def test_bad_upload_is_refused_with_a_clear_message(manager_client, ops_version):
    from django.core.files.uploadedfile import SimpleUploadedFile

    candidacy = factories.candidacy(ops_version, started=True)
    fake = SimpleUploadedFile("memoire.pdf", b"GIF89a...", "application/pdf")
    html = _action(manager_client, candidacy, "memoire", file=fake)
    assert "seuls les fichiers PDF, DOCX et ODT sont acceptés" in html


def test_vae_dossier_actions(manager_client, ops_version):
    candidacy = factories.candidacy(ops_version, vae=True)
    _action(manager_client, candidacy, "recevabilite", file=factories.pdf_upload())
    html = _action(manager_client, candidacy, "decision-recevabilite", {"decision": "incomplete"})
    assert "Motif obligatoire" in html
    _action(manager_client, candidacy, "decision-recevabilite", {"decision": "admissible"})
    _action(manager_client, candidacy, "dossier-validation", file=factories.pdf_upload("d.pdf"))
    html = _action(manager_client, candidacy, "decision-dossier", {"decision": "complete"})
    assert "En attente du jury" in html
    verbs = AuditEvent.objects.for_object(candidacy).values_list("verb", flat=True)
    assert "candidacy.declare_validation_file_complete" in list(verbs)


def test_accommodations_on_the_dossier(manager_client, ops_version):
    candidacy = factories.candidacy(ops_version)
    html = _action(manager_client, candidacy, "amenagement", {"kind": "extra_time"})
    assert "minutes" in html
    html = _action(
        manager_client, candidacy, "amenagement", {"kind": "extra_time", "extra_minutes": 30}
    )
    assert "Temps supplémentaire : 30 min" in html
    item = candidacy.accommodations.get()
    html = _action(manager_client, candidacy, "retrait-amenagement", {"accommodation": item.pk})
    assert "retiré le" in html


def test_another_certifier_cannot_act_on_the_dossier(client, personas, ops_version):
    candidacy = factories.candidacy(ops_version)
    client.login(email=personas["admin_autre_certificateur"].email, password=PASSWORD)
    url = reverse("staff:candidacy_action", args=[candidacy.pk, "etat"])
    assert client.post(url, {"to_status": "in_progress"}).status_code == 404
    candidacy.refresh_from_db()
    assert candidacy.status == "registered"


def test_candidate_list_runs_a_constant_number_of_queries(manager_client, ops_version, certifier):
    url = reverse("staff:candidacies")

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert manager_client.get(url).status_code == 200
        return len(ctx)

    factories.candidacy(ops_version)
    few = count_queries()
    for _ in range(12):
        factories.candidacy(ops_version, vae=True)
    assert count_queries() == few


def test_list_filters(manager_client, ops_version):
    factories.candidacy(ops_version, vae=True)
    training = factories.candidacy(ops_version)
    html = manager_client.get(reverse("staff:candidacies") + "?voie=training").content.decode()
    assert "1 candidature(s)" in html and training.candidate.full_name in html


def test_document_download_is_permission_checked(client, personas, ops_version):
    candidacy = factories.candidacy(ops_version, started=True)
    from acquis.candidates import services

    memoir = services.submit_memoir(candidacy, upload=factories.pdf_upload("mon-memoire.pdf"))
    url = reverse("documents:download", args=[memoir.document.uuid])
    client.login(email=personas["responsable_epreuves"].email, password=PASSWORD)
    response = client.get(url)
    assert response["Content-Disposition"].startswith('attachment; filename="mon-memoire.pdf"')
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.logout()
    client.login(email=personas["jure"].email, password=PASSWORD)
    assert client.get(url).status_code == 404
