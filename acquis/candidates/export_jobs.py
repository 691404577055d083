"""Candidacy XLSX exports written in the background, with progress and a download link.

    queued --start--> running --finish--> done --expire--> expired
      ^                 |  |                                 |
      |                 |  +--fail--> failed                 |
      +----relaunch-----+ (stale)------+---------------------+

Up to ACQUIS_EXPORT_BACKGROUND_ROWS rows the staff's page writes the XLSX inside the request
(exports.write_xlsx); above, it asks for a job (`request_export`): the rows are recorded as
data (the certifiers and the cohort of the list), and a worker process (`acquis db_worker`,
Django Tasks database backend) takes its task (`build_export`) and runs it (`run`). The
sheet is written into a local temporary file while `rows_done` is saved every
PROGRESS_EVERY rows; only the complete file is stored (private storage, served by a view
that checks the certifier) and recorded with the move to `done`: a partial file is never
served. A running job whose worker stopped (no progress for ACQUIS_BATCH_STALE_SECONDS) may
be relaunched; the old run, should it come back, sees it no longer owns the job and keeps
nothing. The daily maintenance deletes the files older than ACQUIS_EXPORT_RETENTION_DAYS
(`expire_old`). Every move goes through EXPORT_WORKFLOW and is audited.
"""

import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from acquis.audit.services import record_event
from acquis.candidates import exports
from acquis.candidates.enums import EXPORT_JOB_TRANSITIONS, ExportJobStatus
from acquis.candidates.exceptions import CandidateError
from acquis.candidates.models import Candidacy, CandidacyExportJob
from acquis.errors import storage_error_message
from acquis.workflow import Workflow

logger = logging.getLogger(__name__)
S = ExportJobStatus
# rows_done is saved this often: a few dozen small updates for the biggest exports.
PROGRESS_EVERY = 1000
UNEXPECTED = (
    "Erreur inattendue pendant l'écriture du fichier ; le détail est dans le journal du "
    "serveur. Relancez l'export une fois la cause corrigée."
)
STOPPED = "le processus de traitement a été arrêté pendant l'écriture. Relancez l'export."


class ExportJobError(CandidateError):
    """An export job cannot be requested or relaunched; the message is in French."""


EXPORT_WORKFLOW = Workflow(
    "candidates.export_",
    EXPORT_JOB_TRANSITIONS,
    ExportJobError,
    refusal=lambda job, _to: (
        f"Export n° {job.pk} : action impossible, il est « {job.get_status_display()} »."
    ),
)


def needs_background(row_count: int) -> bool:
    """Above the threshold the XLSX is written by the worker, not inside the request."""
    return row_count > settings.ACQUIS_EXPORT_BACKGROUND_ROWS


def candidacies_for(filters: dict):
    """The candidacies a job's `filters` name: the same rows as the list they came from."""
    rows = Candidacy.objects.filter(candidate__certifier__in=filters["certifiers"])
    if filters.get("promotion") is not None:
        rows = rows.filter(cohort_id=filters["promotion"])
    return rows


def readable_by(job: CandidacyExportJob, certifier_ids) -> bool:
    """A staff user reads a job's file only when all its rows are of their certifiers."""
    return set(job.filters["certifiers"]) <= set(certifier_ids)


def _user(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _enqueue(job: CandidacyExportJob) -> None:
    # The database backend writes the task row in this transaction: job and task commit (or
    # roll back) together, and a worker only sees the task once the job exists.
    result = build_export.enqueue(job.pk)
    job.task_id = str(result.id)
    job.save(update_fields=["task_id"])


@transaction.atomic
def request_export(
    *, certifier, certifier_ids, promotion=None, actor, enqueue: bool = True
) -> CandidacyExportJob:
    """Queue the XLSX of the candidacies of `certifier_ids` (of one cohort: `promotion`)."""
    filters = {"certifiers": sorted(certifier_ids), "promotion": promotion}
    if not filters["certifiers"]:
        raise ExportJobError("Export : aucun certificateur rattaché à ce compte.")
    job = CandidacyExportJob.objects.create(
        certifier=certifier,
        requested_by=_user(actor),
        filters=filters,
        rows_total=candidacies_for(filters).count(),
        requested_at=timezone.now(),
    )
    record_event(
        "candidates.export_requested",
        job,
        actor=actor,
        to_state=job.status,
        payload={"filters": filters, "rows": job.rows_total},
    )
    if enqueue:
        _enqueue(job)
    return job


@transaction.atomic
def relaunch(job: CandidacyExportJob, *, actor, enqueue: bool = True) -> CandidacyExportJob:
    """Queue again a failed or expired export, with its filters (the rows as they are now)."""
    locked = EXPORT_WORKFLOW.lock(job)
    if not locked.can_relaunch:
        raise ExportJobError(
            f"Export n° {locked.pk} : seul un export échoué, expiré ou arrêté se relance "
            f"(il est « {locked.get_status_display()} »)."
        )
    fields = {"error": "", "rows_done": 0, "started_at": None, "finished_at": None}
    payload = {"error": locked.error, "stale": locked.status == S.RUNNING}
    EXPORT_WORKFLOW.apply(locked, S.QUEUED, actor=actor, payload=payload, fields=fields)
    if enqueue:
        _enqueue(locked)
    return locked


@transaction.atomic
def _claim(job_id: int) -> CandidacyExportJob | None:
    """queued -> running, with the row count of now; None if the job is not queued."""
    locked = CandidacyExportJob.objects.select_for_update().get(pk=job_id)
    if locked.status != S.QUEUED:
        return None
    total = candidacies_for(locked.filters).count()
    now = timezone.now()
    fields = {"started_at": now, "heartbeat_at": now, "rows_total": total, "rows_done": 0}
    return EXPORT_WORKFLOW.apply(locked, S.RUNNING, actor=None, fields=fields)


def _save_progress(job: CandidacyExportJob, rows_done: int) -> None:
    # Its own autocommit update: the job page reads it while the sheet is being written. Only
    # this run's (its `started_at`): an overtaken run no longer moves the figures.
    CandidacyExportJob.objects.filter(pk=job.pk, started_at=job.started_at).update(
        rows_done=rows_done, heartbeat_at=timezone.now()
    )


def _counted(rows, job: CandidacyExportJob):
    """`rows` unchanged, the progress saved every PROGRESS_EVERY of them."""
    done = 0
    for done, row in enumerate(rows, start=1):  # noqa: B007 - the count is read after
        yield row
        if done % PROGRESS_EVERY == 0:
            _save_progress(job, done)
    _save_progress(job, done)


def _write(job: CandidacyExportJob) -> str:
    """The complete XLSX, stored; its storage name."""
    rows = _counted(exports.candidacy_rows(candidacies_for(job.filters)), job)
    with tempfile.TemporaryFile() as spool:
        exports.write_rows(rows, spool)
        spool.seek(0)
        stamp = timezone.localdate().isoformat()
        return job.file.storage.save(
            job.file.field.generate_filename(job, f"candidatures-{job.pk}-{stamp}.xlsx"),
            File(spool),
        )


class Overtaken(Exception):
    """This run no longer owns its job (relaunched as stale meanwhile): it saves nothing."""


@transaction.atomic
def _end(job: CandidacyExportJob, to_status: str, *, name: str = "", error: str = ""):
    locked = CandidacyExportJob.objects.select_for_update().get(pk=job.pk)
    # `started_at`, set by the claim, names the run: a newer run owns the job otherwise.
    if locked.status != S.RUNNING or locked.started_at != job.started_at:
        raise Overtaken
    fields: dict = {"finished_at": timezone.now()}
    if name:
        fields["file"] = name
    if error:
        fields["error"] = error[:2000]
    payload = {"rows": locked.rows_done, "total": locked.rows_total}
    return EXPORT_WORKFLOW.apply(locked, to_status, actor=None, payload=payload, fields=fields)


def run(job_id: int) -> CandidacyExportJob:
    """Write a queued job's file in this process; the job as it ends (a job that is not
    queued, already taken or done, is left alone)."""
    job = _claim(job_id)
    if job is None:
        return CandidacyExportJob.objects.get(pk=job_id)
    try:
        try:
            name = _write(job)
        except OSError as error:  # media folder unwritable, disk full: said in French
            return _end(job, S.FAILED, error=storage_error_message(error))
        except Exception:
            logger.exception("Candidacy export %s failed", job_id)
            _end(job, S.FAILED, error=UNEXPECTED)
            raise  # the task result keeps the traceback
        except (KeyboardInterrupt, SystemExit):
            _end(job, S.FAILED, error=STOPPED)
            raise
        try:
            return _end(job, S.DONE, name=name)
        except BaseException:
            job.file.storage.delete(name)  # not recorded as done: never served, not kept
            raise
    except Overtaken:
        return CandidacyExportJob.objects.get(pk=job_id)


@task()
def build_export(job_id: int) -> dict:
    """The background task of an export job (run by `acquis db_worker`)."""
    job = run(job_id)
    return {"job": job.pk, "status": job.status, "rows": job.rows_done}


def expire_old(*, now=None) -> int:
    """Delete the files of the exports done more than ACQUIS_EXPORT_RETENTION_DAYS ago (their
    jobs stay, expired: the audit trail names them); how many."""
    limit = (now or timezone.now()) - timedelta(days=settings.ACQUIS_EXPORT_RETENTION_DAYS)
    old = CandidacyExportJob.objects.filter(status=S.DONE, finished_at__lt=limit)
    count = 0
    for job_id in old.values_list("pk", flat=True):
        with transaction.atomic():
            locked = EXPORT_WORKFLOW.lock(CandidacyExportJob(pk=job_id))
            if locked.status != S.DONE:
                continue
            name = locked.file.name
            EXPORT_WORKFLOW.apply(locked, S.EXPIRED, actor=None, fields={"file": ""})
            if name:
                locked.file.storage.delete(name)
        count += 1
    return count
