"""Candidacy exports written in the background: the job's life through its verbs and its
task, the progress figures, the file equal to the immediate export, failure and expiry."""

import io
import signal
from datetime import timedelta

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from acquis.audit.models import AuditEvent
from acquis.candidates import export_jobs, exports, services
from acquis.candidates.enums import ExportJobStatus
from acquis.candidates.models import Candidacy
from tests import factories
from tests.conftest import worker_on_postgresql

pytestmark = pytest.mark.django_db
S = ExportJobStatus


@pytest.fixture
def cohort(certifier, ops_version):
    return services.create_cohort(certifier=certifier, version=ops_version, name="Promo 2026")


@pytest.fixture
def rows(certifier, other_certifier, ops_version, cohort):
    """Five candidacies in the cohort (two by blocks), one outside it, one elsewhere."""
    for index, name in enumerate(["Martin", "Nguyen", "Dupont", "Bernard", "Petit"]):
        person = factories.candidate(certifier, birth_name=name)
        blocks = ["B1", "B2"] if index % 2 else None
        factories.candidacy(ops_version, person=person, cohort=cohort, blocks=blocks)
    factories.candidacy(ops_version, person=factories.candidate(certifier, birth_name="Hors"))
    stranger = factories.candidate(other_certifier, birth_name="Ailleurs")
    factories.candidacy(ops_version, certifier=other_certifier, person=stranger)


def request(certifier, cohort=None, **options):
    return export_jobs.request_export(
        certifier=certifier,
        certifier_ids=[certifier.pk],
        promotion=cohort.pk if cohort else None,
        actor=None,
        **options,
    )


def sheet_values(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_a_request_records_its_filters_and_queues_its_task(certifier, cohort, rows, clock):
    job = request(certifier, cohort)
    assert job.filters == {"certifiers": [certifier.pk], "promotion": cohort.pk}
    assert (job.status, job.rows_total, job.rows_done) == (S.QUEUED, 5, 0)
    assert job.requested_at >= clock.start
    task = DBTaskResult.objects.get(id=job.task_id)
    assert task.task_path == "acquis.candidates.export_jobs.build_export"
    event = AuditEvent.objects.get(verb="candidates.export_requested")
    assert event.payload["rows"] == 5 and event.payload["filters"]["promotion"] == cohort.pk


def test_the_task_writes_the_same_file_as_the_immediate_export(certifier, cohort, rows, clock):
    job = request(certifier, cohort, enqueue=False)
    result = export_jobs.build_export.call(job.pk)
    job.refresh_from_db()
    assert result == {"job": job.pk, "status": "done", "rows": 5}
    assert (job.status, job.rows_done, job.rows_total) == (S.DONE, 5, 5)
    assert job.file.name.startswith("exports/candidatures/")
    assert f"-{clock.today.isoformat()}" in job.file.name
    immediate = exports.export_candidacies(Candidacy.objects.filter(cohort=cohort), "xlsx")
    with job.file.open("rb") as stored:
        written = sheet_values(stored.read())
    assert written == sheet_values(immediate)
    assert [line[0] for line in written[1:]] == ["Bernard", "Dupont", "Martin", "Nguyen", "Petit"]
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="candidates.export_")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "candidates.export_requested",
        "candidates.export_start",
        "candidates.export_finish",
    ]


def test_without_a_cohort_the_job_holds_all_the_certifiers_rows(certifier, rows):
    job = export_jobs.run(request(certifier, enqueue=False).pk)
    with job.file.open("rb") as stored:
        names = sorted(line[0] for line in sheet_values(stored.read())[1:])
    assert names == ["Bernard", "Dupont", "Hors", "Martin", "Nguyen", "Petit"]


def test_progress_is_saved_as_the_rows_are_written(certifier, cohort, rows, monkeypatch):
    monkeypatch.setattr(export_jobs, "PROGRESS_EVERY", 2)
    job = request(certifier, cohort, enqueue=False)
    seen = []
    real = export_jobs._save_progress

    def watched(running, done):
        real(running, done)
        seen.append(type(job).objects.values_list("status", "rows_done").get(pk=job.pk))

    monkeypatch.setattr(export_jobs, "_save_progress", watched)
    assert export_jobs.run(job.pk).status == S.DONE
    assert seen == [(S.RUNNING, 2), (S.RUNNING, 4), (S.RUNNING, 5)]


def test_a_job_that_is_not_queued_is_left_alone(certifier, cohort, rows):
    job = export_jobs.run(request(certifier, cohort, enqueue=False).pk)
    again = export_jobs.run(job.pk)
    assert (again.status, again.file.name) == (S.DONE, job.file.name)
    assert AuditEvent.objects.filter(verb="candidates.export_start").count() == 1


def broken_writer(error):
    def write(rows, target):
        next(iter(rows))
        target.write(b"PK partial")
        raise error

    return write


def test_a_storage_failure_is_said_in_french_and_keeps_no_file(
    certifier, cohort, rows, monkeypatch, settings
):
    monkeypatch.setattr(exports, "write_rows", broken_writer(PermissionError(13, "refusé")))
    job = export_jobs.run(request(certifier, cohort, enqueue=False).pk)
    assert job.status == S.FAILED and not job.file and not job.is_ready
    assert job.error.startswith("le fichier n'a pas pu être écrit (accès refusé)")
    assert job.can_relaunch
    assert not list(settings.MEDIA_ROOT.rglob("*.xlsx"))
    assert AuditEvent.objects.filter(verb="candidates.export_fail").exists()
    # Relaunched once the cause is gone: the same filters, written in full.
    monkeypatch.undo()
    job = export_jobs.relaunch(job, actor=None, enqueue=False)
    assert (job.status, job.error) == (S.QUEUED, "")
    assert export_jobs.run(job.pk).is_ready


def test_an_unexpected_failure_fails_the_job_and_reaches_the_task(
    certifier, cohort, rows, monkeypatch
):
    monkeypatch.setattr(exports, "write_rows", broken_writer(ValueError("bogue")))
    job = request(certifier, cohort, enqueue=False)
    with pytest.raises(ValueError, match="bogue"):
        export_jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == S.FAILED and not job.file
    assert job.error == export_jobs.UNEXPECTED


def test_only_a_failed_or_expired_job_is_relaunched(certifier, cohort, rows):
    job = request(certifier, cohort, enqueue=False)
    with pytest.raises(export_jobs.ExportJobError, match="seul un export échoué, expiré ou arrêté"):
        export_jobs.relaunch(job, actor=None)


def test_files_expire_after_the_retention_days(certifier, cohort, rows, clock, settings):
    settings.ACQUIS_EXPORT_RETENTION_DAYS = 7
    job = export_jobs.run(request(certifier, cohort, enqueue=False).pk)
    path = job.file.path
    assert export_jobs.expire_old(now=clock.start + timedelta(days=6)) == 0
    assert export_jobs.expire_old(now=clock.start + timedelta(days=7, minutes=1)) == 1
    job.refresh_from_db()
    assert (job.status, job.file.name) == (S.EXPIRED, "")
    assert not (settings.MEDIA_ROOT / path).exists()
    assert AuditEvent.objects.filter(verb="candidates.export_expire").exists()
    job = export_jobs.relaunch(job, actor=None, enqueue=False)
    assert export_jobs.run(job.pk).is_ready


def test_the_threshold(settings):
    settings.ACQUIS_EXPORT_BACKGROUND_ROWS = 2000
    assert not export_jobs.needs_background(2000)
    assert export_jobs.needs_background(2001)


@worker_on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_database_worker_writes_the_requested_export(certifier, cohort, rows):
    job = request(certifier, cohort)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO()
        )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    job.refresh_from_db()
    assert (job.status, job.rows_done) == (S.DONE, 5) and job.is_ready
    task = DBTaskResult.objects.get(id=job.task_id)
    assert (task.status, task.return_value) == (
        "SUCCESSFUL",
        {"job": job.pk, "status": "done", "rows": 5},
    )


def test_a_job_whose_worker_stopped_is_relaunched_and_the_old_run_keeps_nothing(
    certifier, cohort, rows, settings, monkeypatch
):
    settings.ACQUIS_BATCH_STALE_SECONDS = 300
    job = request(certifier, cohort, enqueue=False)
    old_run = export_jobs._claim(job.pk)
    assert old_run.is_running and not old_run.is_stale and not old_run.can_relaunch
    with pytest.raises(export_jobs.ExportJobError, match="seul un export échoué, expiré ou"):
        export_jobs.relaunch(job, actor=None, enqueue=False)
    # No news for longer than the limit: the page offers to relaunch.
    silent = old_run.heartbeat_at - timedelta(seconds=301)
    type(job).objects.filter(pk=job.pk).update(heartbeat_at=silent)
    job.refresh_from_db()
    assert job.is_stale and job.can_relaunch
    job = export_jobs.relaunch(job, actor=None, enqueue=False)
    assert AuditEvent.objects.get(verb="candidates.export_relaunch").payload["stale"] is True
    new = export_jobs.run(job.pk)
    assert new.is_ready
    # The old run comes back and ends: it no longer owns the job, its file is not kept.
    with pytest.raises(export_jobs.Overtaken):
        export_jobs._end(old_run, S.DONE, name="exports/candidatures/ancien.xlsx")
    new.refresh_from_db()
    assert new.is_ready and new.file.name != "exports/candidatures/ancien.xlsx"
