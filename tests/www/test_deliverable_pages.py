"""Preparatory deliverables through the pages: candidate, jury and staff; the downloads."""

from datetime import datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from acquis.candidates.portal import give_portal_access
from acquis.evaluations import deliverables, planning, services
from acquis.evaluations.models import DeliverableSubmission
from acquis.organisations.enums import Habilitation
from tests import evaluation_factories as ef
from tests import factories
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
PARIS = timezone.get_current_timezone()


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def own_candidacy(personas, ops_version, partner):
    certifier = ops_version.certification.owner
    partner.habilitation = Habilitation.PREPARE  # the partner prepares the candidate
    partner.save(update_fields=["habilitation"])
    person = factories.candidate(certifier, email=personas["candidat"].email)
    give_portal_access(person, actor=personas["administrateur"])
    return factories.candidacy(ops_version, person=person, partner=partner, started=True)


@pytest.fixture
def coming_slot(ops_version, own_candidacy):
    """E1 of the candidate persona, in a session three weeks ahead: deposits open."""
    session = ef.session(ops_version, on=timezone.localdate() + timedelta(days=21))
    return ef.slot(session, own_candidacy, "E1", "09:00", minutes=60)


@pytest.fixture
def l1(ops_version):
    return ops_version.assessments.get(code="E1").deliverables.get(code="L1")


def upload_url(slot, deliverable):
    return reverse("candidate:deliverable_upload", args=[slot.pk, deliverable.pk])


def download_status(client, url) -> int:
    """The status of a download; the file is read (closing the response would end the
    request cycle and close the test's database connection on PostgreSQL)."""
    response = client.get(url)
    if response.streaming:
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    return response.status_code


def deposit(slot, deliverable, *, now=None, name="support.pdf"):
    return deliverables.upload_deliverable(
        slot, deliverable, upload=factories.pdf_upload(name), actor=None, now=now
    )


# --- candidate portal -----------------------------------------------------------------------


def test_the_candidate_deposits_a_deliverable_and_sees_it(client, personas, coming_slot, l1):
    login(client, personas["candidat"])
    page = client.get(reverse("candidate:deliverables")).content.decode()
    assert "E1 — " in page
    assert "L1 — Support synthétique présentant l&#x27;action" in page
    assert "Aucun fichier déposé." in page
    assert f'action="{upload_url(coming_slot, l1)}"' in page

    response = client.post(
        upload_url(coming_slot, l1), {"file": factories.pdf_upload("mon-support.pdf")}
    )
    assert response.status_code == 302
    assert response.url == reverse("candidate:deliverables") + (
        f"#livrable-{coming_slot.pk}-{l1.pk}"
    )
    submission = DeliverableSubmission.objects.get()
    assert submission.submitted_by == personas["candidat"]
    page = client.get(reverse("candidate:deliverables")).content.decode()
    assert "Livrable L1 déposé pour l&#x27;épreuve E1." in page
    assert reverse("documents:download", args=[submission.document.uuid]) in page
    assert "mon-support.pdf" in page
    assert "Remplacer le fichier de L1" in page


def test_a_refused_file_is_explained_beside_its_field(client, personas, coming_slot, l1):
    login(client, personas["candidat"])
    bad = SimpleUploadedFile("support.pdf", b"GIF89a pas un document")
    response = client.post(upload_url(coming_slot, l1), {"file": bad})
    assert response.status_code == 200
    page = response.content.decode()
    message = (
        "Livrable L1 (Support synthétique présentant l&#x27;action) : seuls les fichiers PDF, "
        "DOCX et ODT sont acceptés"
    )
    assert page.count(message) == 2  # in the summary (role=alert) and beside the field
    assert f'id="id_livrable_{coming_slot.pk}_{l1.pk}_file_error"' in page
    assert 'role="alert"' in page
    assert not DeliverableSubmission.objects.exists()
    response = client.post(upload_url(coming_slot, l1), {})
    assert "Choisissez le fichier à déposer." in response.content.decode()


def test_after_the_deadline_the_deposit_is_closed(client, personas, ops_version, own_candidacy):
    # Tomorrow's session: its default deadline (yesterday 23:59) has passed.
    session = ef.session(ops_version, on=timezone.localdate() + timedelta(days=1))
    slot = ef.slot(session, own_candidacy, "E1", "09:00", minutes=60)
    l1 = slot.assessment.deliverables.get()
    login(client, personas["candidat"])
    page = client.get(reverse("candidate:deliverables")).content.decode()
    assert "Dépôt clos" in page
    assert upload_url(slot, l1) not in page
    response = client.post(upload_url(slot, l1), {"file": factories.pdf_upload()})
    assert response.status_code == 200
    due = deliverables.when(session.deliverables_due_at)
    assert f"Dépôt clos depuis le {due} : le livrable L1 ne peut plus" in (
        response.content.decode()
    )
    assert not DeliverableSubmission.objects.exists()


def test_another_candidates_slot_is_not_found(client, personas, ops_version, coming_slot, l1):
    stranger = ef.slot(
        coming_slot.session, ef.started_candidacy(ops_version), "E1", "11:00", minutes=60
    )
    login(client, personas["candidat"])
    assert client.post(upload_url(stranger, l1), {"file": factories.pdf_upload()}).status_code == (
        404
    )
    l2 = ops_version.assessments.get(code="E2").deliverables.get(code="L2")
    assert client.post(upload_url(coming_slot, l2), {}).status_code == 404
    assert client.get(upload_url(coming_slot, l1)).status_code == 405
    assert not DeliverableSubmission.objects.exists()
    page = client.get(reverse("candidate:deliverables")).content.decode()
    assert stranger.candidacy.candidate.full_name not in page


def test_who_downloads_a_deposited_deliverable(client, personas, coming_slot, l1):
    document = deposit(coming_slot, l1).document
    url = reverse("documents:download", args=[document.uuid])
    expected = {
        "candidat": 200,
        "administrateur": 200,
        "responsable_epreuves": 200,
        "partenaire": 200,  # the candidacy's partner organisation
        "admin_autre_certificateur": 404,
        "jure": 404,  # not an assessor of the slot
    }
    for role, status in expected.items():
        client.logout()
        login(client, personas[role])
        assert download_status(client, url) == status, role


# --- jury portal ----------------------------------------------------------------------------


@pytest.fixture
def jury_case(personas, ops_version, own_candidacy, l1):
    """A session held today with the juror persona assessing E1; L1 deposited a week ago."""
    certifier = ops_version.certification.owner
    me = services.record_juror(
        user=personas["jure"],
        certifier=certifier,
        sector="insertion",
        role="Conseiller emploi",
        years_experience=6,
        proof=factories.pdf_upload(),
    )
    ef.train(me, ops_version)
    representative = ef.juror(certifier, ops_version, represents=True)
    session = ef.session(ops_version, jurors=[representative, me])
    slot = ef.slot(session, own_candidacy, "E1", "09:00", minutes=60)
    week_ago = datetime.combine(timezone.localdate() - timedelta(days=7), time(10), PARIS)
    submission = deposit(slot, l1, now=week_ago, name="support-jury.pdf")
    services.confirm_panel(session)
    return session, slot, submission


def test_the_assessor_sees_the_deliverables_only_once_the_session_is_opened(
    client, personas, jury_case
):
    session, slot, submission = jury_case
    page_url = reverse("jury:slot_deliverables", args=[slot.pk])
    file_url = reverse("documents:download", args=[submission.document.uuid])
    login(client, personas["jure"])
    page = client.get(page_url).content.decode()
    assert (
        f"Les livrables seront visibles à l'ouverture de la session (le {session.date:%d/%m/%Y})."
    ) in page
    assert file_url not in page
    assert client.get(file_url).status_code == 404

    planning.open_session(session, today=session.date)
    page = client.get(page_url).content.decode()
    assert "seront visibles" not in page
    assert file_url in page
    assert "support-jury.pdf" in page
    response = client.get(file_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_juror_who_does_not_assess_the_slot_gets_404(client, ops_version, jury_case):
    session, slot, submission = jury_case
    planning.open_session(session, today=session.date)
    outsider = ef.juror(ops_version.certification.owner, ops_version)
    login(client, outsider.user)
    assert client.get(reverse("jury:slot_deliverables", args=[slot.pk])).status_code == 404
    response = client.get(reverse("documents:download", args=[submission.document.uuid]))
    assert response.status_code == 404


def test_the_assessor_gets_only_the_file_that_counts(client, personas, jury_case, l1):
    session, slot, first = jury_case
    later = datetime.combine(timezone.localdate() - timedelta(days=6), time(10), PARIS)
    second = deposit(slot, l1, now=later, name="support-v2.pdf")
    planning.open_session(session, today=session.date)
    login(client, personas["jure"])
    page = client.get(reverse("jury:slot_deliverables", args=[slot.pk])).content.decode()
    assert "support-v2.pdf" in page
    assert "support-jury.pdf" not in page
    old = client.get(reverse("documents:download", args=[first.document.uuid]))
    assert old.status_code == 404
    assert (
        download_status(client, reverse("documents:download", args=[second.document.uuid])) == 200
    )


# --- staff ----------------------------------------------------------------------------------


def test_staff_see_who_deposited_and_move_the_deadline(client, personas, coming_slot, l1):
    session = coming_slot.session
    url = reverse("staff:session_deliverables", args=[session.pk])
    login(client, personas["responsable_epreuves"])
    page = client.get(url).content.decode()
    assert "Manquant" in page
    assert "1 livrable manquant pour les créneaux prévus." in page
    deposit(coming_slot, l1, name="support-staff.pdf")
    page = client.get(url).content.decode()
    assert "Manquant" not in page
    assert "support-staff.pdf" in page
    assert "Tous les livrables des créneaux prévus sont déposés." in page

    new_day = session.date - timedelta(days=1)
    response = client.post(url, {"due_at": f"{new_day:%Y-%m-%d}T18:00"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert timezone.localtime(session.deliverables_due_at) == datetime.combine(
        new_day, time(18), PARIS
    )
    assert f"Date limite des livrables fixée au {new_day:%d/%m/%Y} à 18:00." in (
        client.get(url).content.decode()
    )

    after = session.date + timedelta(days=1)
    response = client.post(url, {"due_at": f"{after:%Y-%m-%d}T09:00"})
    assert response.status_code == 200
    assert (
        "Date limite des livrables : elle ne peut pas être après le jour de la session "
        f"({session.date:%d/%m/%Y})."
    ) in response.content.decode()
    response = client.post(url, {"due_at": "demain"})
    assert "Date limite des livrables : date et heure non reconnues." in (response.content.decode())
    session.refresh_from_db()
    assert timezone.localtime(session.deliverables_due_at).date() == new_day


def test_another_certifiers_staff_get_404(client, personas, coming_slot):
    url = reverse("staff:session_deliverables", args=[coming_slot.session.pk])
    login(client, personas["admin_autre_certificateur"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"due_at": "2026-12-01T10:00"}).status_code == 404


def test_the_staff_table_costs_the_same_queries_for_more_slots(
    client, personas, ops_version, coming_slot, l1
):
    url = reverse("staff:session_deliverables", args=[coming_slot.session.pk])
    login(client, personas["responsable_epreuves"])
    deposit(coming_slot, l1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for hour in ("10:30", "12:00", "14:00"):
        other = ef.slot(
            coming_slot.session, ef.started_candidacy(ops_version), "E1", hour, minutes=60
        )
        deposit(other, l1)
    with CaptureQueriesContext(connection) as four:
        page = client.get(url).content.decode()
    assert page.count("Déposé le") == 4
    assert len(four) == len(one)
