"""Staff pages of the candidacy XLSX above the threshold: the offer, the job's progress
(htmx polling), its download (same rows as the immediate export), failure and access."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from acquis.candidates import export_jobs, exports, services
from acquis.candidates.enums import ExportJobStatus
from acquis.candidates.models import CandidacyExportJob
from tests import factories
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
S = ExportJobStatus
XLSX = reverse("staff:candidacies_export_xlsx")


@pytest.fixture
def cohort(certifier, ops_version):
    return services.create_cohort(certifier=certifier, version=ops_version, name="Promo 2026")


@pytest.fixture
def rows(certifier, other_certifier, ops_version, cohort):
    for name in ["Martin", "Nguyen", "Dupont"]:
        factories.candidacy(
            ops_version, cohort=cohort, person=factories.candidate(certifier, birth_name=name)
        )
    stranger = factories.candidate(other_certifier, birth_name="Ailleurs")
    factories.candidacy(ops_version, certifier=other_certifier, person=stranger)


@pytest.fixture
def manager(client, personas):
    client.login(email=personas["responsable_epreuves"].email, password=PASSWORD)
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def sheet(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def launch(client, cohort) -> CandidacyExportJob:
    response = client.post(f"{XLSX}?promotion={cohort.pk}")
    job = CandidacyExportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("staff:export_job", args=[job.pk])
    return job


def test_up_to_the_threshold_the_file_is_immediate(manager, settings, cohort, rows):
    settings.ACQUIS_EXPORT_BACKGROUND_ROWS = 3
    response = manager.get(f"{XLSX}?promotion={cohort.pk}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert len(sheet(body(response))) == 4
    assert not CandidacyExportJob.objects.exists()


def test_above_it_the_click_offers_then_creates_a_job(manager, settings, cohort, rows):
    settings.ACQUIS_EXPORT_BACKGROUND_ROWS = 2
    response = manager.get(f"{XLSX}?promotion={cohort.pk}")
    html = response.content.decode()
    assert response.status_code == 200 and not response.streaming
    assert "La promotion « Promo 2026 » compte" in html and "3 candidatures" in html
    assert "Préparer le classeur" in html and not CandidacyExportJob.objects.exists()
    job = launch(manager, cohort)
    assert job.filters["promotion"] == cohort.pk and job.rows_total == 3
    assert job.task_id  # queued for the worker


def test_the_job_page_shows_progress_then_the_download(clock, manager, settings, cohort, rows):
    settings.ACQUIS_EXPORT_BACKGROUND_ROWS = 2
    job = launch(manager, cohort)
    page = reverse("staff:export_job", args=[job.pk])
    html = manager.get(page).content.decode()
    assert 'role="status"' in html and 'aria-live="polite"' in html
    assert f'hx-get="{page}"' in html and 'hx-trigger="every 1s"' in html
    assert '<progress id="export-progression"' in html and 'max="3"' in html
    assert "En attente d'un processus de traitement (3 lignes à écrire)" in html
    assert "Télécharger" not in html
    polled = manager.get(page, headers={"HX-Request": "true"})
    assert polled.status_code == 200 and 'hx-swap-oob="innerHTML"' in polled.content.decode()
    type(job).objects.filter(pk=job.pk).update(status=S.RUNNING, rows_done=2)
    polled = manager.get(page, headers={"HX-Request": "true"})
    assert "En cours : 2 / 3 lignes écrites." in polled.content.decode()
    type(job).objects.filter(pk=job.pk).update(status=S.QUEUED, rows_done=0)

    export_jobs.build_export.call(job.pk)

    polled = manager.get(page, headers={"HX-Request": "true"})
    assert polled.status_code == 286  # htmx stops polling
    html = manager.get(page).content.decode()
    assert "hx-trigger" not in html and "3 / 3 lignes écrites" in html
    assert f'href="{reverse("staff:export_job_file", args=[job.pk])}">Télécharger</a>' in html
    download = manager.get(reverse("staff:export_job_file", args=[job.pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert download["Content-Disposition"].startswith('attachment; filename="candidatures-')
    assert download["Cache-Control"] == "private, no-store"
    settings.ACQUIS_EXPORT_BACKGROUND_ROWS = 2000
    immediate = manager.get(f"{XLSX}?promotion={cohort.pk}")
    assert sheet(body(download)) == sheet(body(immediate))


def test_a_failed_job_says_so_serves_nothing_and_relaunches(
    manager, settings, cohort, rows, monkeypatch
):
    settings.ACQUIS_EXPORT_BACKGROUND_ROWS = 2
    job = launch(manager, cohort)

    def broken(rows, target):
        raise OSError(28, "plein")

    monkeypatch.setattr(exports, "write_rows", broken)
    export_jobs.run(job.pk)
    page = reverse("staff:export_job", args=[job.pk])
    html = manager.get(page).content.decode()
    assert "Échec après 0 / 3 lignes" in html and "disque plein" in html
    assert "Aucun fichier partiel n'est proposé." in html
    assert "Relancer l'export" in html and "Télécharger" not in html
    assert manager.get(reverse("staff:export_job_file", args=[job.pk])).status_code == 404
    assert manager.post(page).status_code == 302
    job.refresh_from_db()
    assert job.status == S.QUEUED and job.error == ""


def test_a_job_is_hidden_from_another_certifiers_staff(client, personas, cohort, rows):
    job = export_jobs.request_export(
        certifier=cohort.certifier,
        certifier_ids=[cohort.certifier_id],
        promotion=None,
        actor=None,
        enqueue=False,
    )
    export_jobs.run(job.pk)
    urls = [
        reverse("staff:export_job", args=[job.pk]),
        reverse("staff:export_job_file", args=[job.pk]),
    ]
    expected = {
        "admin_autre_certificateur": 404,
        "jure": 403,
        "candidat": 403,
        "partenaire": 403,
        "anonyme": 302,
        "administrateur": 200,
    }
    for role, status in expected.items():
        client.logout()
        if personas[role] is not None:
            client.login(email=personas[role].email, password=PASSWORD)
        for url in urls:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            assert (role, response.status_code) == (role, status)


def test_a_job_whose_worker_stopped_offers_to_relaunch(clock, manager, settings, cohort, rows):
    settings.ACQUIS_EXPORT_BACKGROUND_ROWS = 2
    job = launch(manager, cohort)
    export_jobs._claim(job.pk)
    page = reverse("staff:export_job", args=[job.pk])
    assert "Relancer" not in manager.get(page).content.decode()
    silent = clock.start - timedelta(hours=1)
    type(job).objects.filter(pk=job.pk).update(heartbeat_at=silent)
    html = manager.get(page).content.decode()
    assert "Arrêté : aucune progression depuis le 9 décembre 2026 à 09:00" in html
    assert "Relancer l'export" in html
    assert manager.post(page).status_code == 302
    job.refresh_from_db()
    assert job.is_waiting
