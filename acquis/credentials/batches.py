"""Issuing batches: what a signed deliberation issues, in the background, with progress.

    queued --start--> running --finish--> done
      ^                 |  \\
      |                 |   +--fail--> failed
      +----resume-------+ (stale)        |
      +----resume------------------------+

A batch (`IssuingBatch`) is requested by the staff (`request_batch`); a worker process
(`acquis db_worker`, Django Tasks database backend) takes its task (`issue_batch`) and runs
it (`run`): the PV once (`issuing.issue_minutes`), then decision by decision in order of
their id, each in its own transaction holding, in this order, the batch row, the decision
row and the certifier's badge status list (one lock order for every issuer: no deadlock),
with `issuing.issue_decision_documents` and `badges.issue_for_decision`. The progress
(`processed`, `last_decision`, the counts) is saved in the same transaction as what the
decision issued, so a run stopped anywhere (worker killed, exception, signing error) resumes
after the last decision committed; the per-decision calls are idempotent and row-locked, so
even two runs overlapping issue nothing twice. Every status change goes through `_move`
(BATCH_TRANSITIONS) and is audited; the progress itself is not (each issued document and
badge has its own audit event).
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from acquis.audit.services import record_event
from acquis.credentials import badges, documents, issuing, status_list
from acquis.credentials.enums import BATCH_TRANSITIONS, BatchStatus
from acquis.credentials.models import IssuedCredential, IssuingBatch
from acquis.credentials.signing import SigningError
from acquis.errors import AcquisError, storage_error_message
from acquis.juries.enums import DeliberationStatus
from acquis.juries.models import Decision, Deliberation
from acquis.workflow import Workflow

logger = logging.getLogger(__name__)
S = BatchStatus
# Refusals with a French message for the user: the batch stops, shows it, and may resume.
DOMAIN_ERRORS = (
    documents.DocumentError,
    SigningError,
    badges.BadgeError,
    status_list.StatusListError,
)
UNEXPECTED = (
    "Erreur inattendue pendant la délivrance ; le détail est dans le journal du serveur. "
    "Reprenez le lot une fois la cause corrigée : rien ne sera délivré deux fois."
)

STOPPED = (
    "le processus de traitement a été arrêté pendant la délivrance. Reprenez le lot : il "
    "continue après la dernière décision traitée."
)


class BatchError(AcquisError):
    """A batch cannot be requested or resumed; the message is in French, for the user."""


class Overtaken(Exception):
    """This run no longer owns its batch (a newer run took it over): stop, save nothing."""


# --- state ---------------------------------------------------------------------------------


def is_stale(batch: IssuingBatch, *, now=None) -> bool:
    """A running batch whose worker gave no news for ACQUIS_BATCH_STALE_SECONDS."""
    if batch.status != S.RUNNING:
        return False
    last = batch.heartbeat_at or batch.started_at or batch.requested_at
    limit = timedelta(seconds=settings.ACQUIS_BATCH_STALE_SECONDS)
    return (now or timezone.now()) - last > limit


def can_resume(batch: IssuingBatch) -> bool:
    return batch.status == S.FAILED or is_stale(batch)


def latest_for(deliberation) -> IssuingBatch | None:
    return deliberation.issuing_batches.order_by("-requested_at", "-pk").first()


def _locked(batch_id: int) -> IssuingBatch:
    return (
        IssuingBatch.objects.select_for_update(of=("self",))
        .select_related("deliberation__certifier", "requested_by")
        .get(pk=batch_id)
    )


BATCH_WORKFLOW = Workflow(
    "credentials.batch_",
    BATCH_TRANSITIONS,
    BatchError,
    refusal=lambda batch, _to: (
        f"Lot de délivrance n° {batch.pk} : action impossible, il est "
        f"« {batch.get_status_display()} »."
    ),
)


def _move(locked: IssuingBatch, to_status: str, *, actor, payload=None, **fields):
    """A batch's move, with its progress in the audit payload (`fields` move with it)."""
    progress = {
        "deliberation": locked.deliberation_id,
        "processed": fields.get("processed", locked.processed),
        "total": fields.get("total", locked.total),
    }
    return BATCH_WORKFLOW.apply(
        locked, to_status, actor=actor, payload=progress | (payload or {}), fields=fields
    )


def _enqueue(batch: IssuingBatch) -> None:
    # The database backend writes the task row in this transaction: batch and task commit
    # (or roll back) together, and a worker only sees the task once the batch exists.
    result = issue_batch.enqueue(batch.pk)
    batch.task_id = str(result.id)
    batch.save(update_fields=["task_id"])


# --- verbs ---------------------------------------------------------------------------------


def _user(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


@transaction.atomic
def request_batch(deliberation, *, actor, enqueue: bool = True) -> IssuingBatch:
    """Queue the issuing of a signed deliberation's documents (a stale batch is resumed).

    `enqueue=False`: the caller runs it itself (`acquis credentials issue`)."""
    locked = Deliberation.objects.select_for_update().get(pk=deliberation.pk)
    if locked.status != DeliberationStatus.SIGNED:
        raise BatchError(
            "Délivrance : la délibération doit avoir son procès-verbal signé par tous les "
            "membres du jury avant toute délivrance."
        )
    current = locked.issuing_batches.active().first()
    if current is not None:
        if is_stale(current):
            return resume(current, actor=actor, enqueue=enqueue)
        raise BatchError(
            f"Délivrance : le lot n° {current.pk} est déjà "
            f"{'en attente' if current.status == S.QUEUED else 'en cours'} pour cette "
            f"délibération ({current.processed} / {current.total} décisions)."
        )
    batch = IssuingBatch.objects.create(
        deliberation=locked,
        certifier_id=locked.certifier_id,
        requested_by=_user(actor),
        total=locked.decisions.count(),
        requested_at=timezone.now(),
    )
    record_event(
        "credentials.batch_requested",
        batch,
        actor=actor,
        to_state=batch.status,
        payload={"deliberation": locked.pk, "total": batch.total},
    )
    if enqueue:
        _enqueue(batch)
    return batch


@transaction.atomic
def resume(batch: IssuingBatch, *, actor, enqueue: bool = True) -> IssuingBatch:
    """Queue again a failed batch, or a running one whose worker stopped (stale)."""
    locked = _locked(batch.pk)
    if not can_resume(locked):
        raise BatchError(
            f"Lot de délivrance n° {locked.pk} : seul un lot interrompu se reprend "
            f"(il est « {locked.get_status_display()} »)."
        )
    payload = {"error": locked.error, "stale": locked.status == S.RUNNING}
    locked = _move(locked, S.QUEUED, actor=actor, payload=payload, error="", finished_at=None)
    if enqueue:
        _enqueue(locked)
    return locked


@transaction.atomic
def _claim(batch_id: int) -> IssuingBatch | None:
    """queued -> running for this run (a new attempt number); None if not queued."""
    locked = _locked(batch_id)
    if locked.status != S.QUEUED:
        return None
    now = timezone.now()
    return _move(
        locked,
        S.RUNNING,
        actor=None,
        payload={"attempt": locked.attempt + 1},
        attempt=locked.attempt + 1,
        started_at=now,
        heartbeat_at=now,
    )


def _hold(batch_id: int, attempt: int) -> IssuingBatch:
    """Lock the batch for one step of this run; Overtaken if it is no longer ours."""
    locked = _locked(batch_id)
    if locked.status != S.RUNNING or locked.attempt != attempt:
        raise Overtaken
    return locked


def _save_progress(locked: IssuingBatch, decision, *, issued: int, badges_issued: int = 0):
    if decision is not None:
        locked.processed += 1
        locked.last_decision = decision
        locked.skipped += 0 if issued or badges_issued else 1
    locked.documents_issued += issued
    locked.badges_issued += badges_issued
    locked.heartbeat_at = timezone.now()
    locked.save(
        update_fields=[
            "processed",
            "last_decision",
            "skipped",
            "documents_issued",
            "badges_issued",
            "heartbeat_at",
        ]
    )
    return locked


def _issue_minutes(batch_id: int, attempt: int) -> IssuingBatch:
    with transaction.atomic():
        locked = _hold(batch_id, attempt)
        document = issuing.issue_minutes(locked.deliberation, actor=locked.requested_by)
        return _save_progress(locked, None, issued=0 if document is None else 1)


def _issue_decision(batch_id: int, attempt: int, decision_id: int) -> IssuingBatch:
    with transaction.atomic():
        locked = _hold(batch_id, attempt)
        decision = Decision.objects.select_for_update().get(pk=decision_id)
        status_list.lock(locked.deliberation.certifier)
        actor = locked.requested_by
        before = IssuedCredential.objects.filter(decision=decision).count()
        issued = issuing.issue_decision_documents(decision, actor=actor)
        badges.issue_for_decision(decision, actor=actor)
        added = IssuedCredential.objects.filter(decision=decision).count() - before
        return _save_progress(locked, decision, issued=len(issued), badges_issued=added)


def _remaining(batch: IssuingBatch) -> list[tuple[int, str]]:
    decisions = Decision.objects.filter(deliberation_id=batch.deliberation_id)
    if batch.last_decision_id is not None:
        decisions = decisions.filter(pk__gt=batch.last_decision_id)
    rows = decisions.order_by("pk").values_list(
        "pk", "candidacy__candidate__first_name", "candidacy__candidate__birth_name"
    )
    return [(pk, f"{first} {last.upper()}") for pk, first, last in rows]


@transaction.atomic
def _end(batch_id: int, attempt: int, to_status: str, *, error: str = "") -> IssuingBatch:
    locked = _locked(batch_id)
    if locked.status != S.RUNNING or locked.attempt != attempt:
        return locked  # overtaken: the newer run ends the batch
    fields = {"finished_at": timezone.now()}
    if error:
        fields["error"] = error[:2000]
    return _move(locked, to_status, actor=None, **fields)


def run(batch_id: int, *, on_progress: Callable[[IssuingBatch], None] | None = None):
    """Run a queued batch to its end in this process; the batch as it ends.

    A batch that is not queued (already taken by another run, done) is left alone."""
    batch = _claim(batch_id)
    if batch is None:
        return IssuingBatch.objects.get(pk=batch_id)
    attempt, where = batch.attempt, "Procès-verbal"
    try:
        batch = _issue_minutes(batch_id, attempt)
        if on_progress is not None:
            on_progress(batch)
        for decision_id, holder in _remaining(batch):
            where = f"Décision de {holder}"
            batch = _issue_decision(batch_id, attempt, decision_id)
            if on_progress is not None:
                on_progress(batch)
    except Overtaken:
        return IssuingBatch.objects.get(pk=batch_id)
    except DOMAIN_ERRORS as error:
        return _end(batch_id, attempt, S.FAILED, error=f"{where} : {error}")
    except OSError as error:  # media folder unwritable, disk full: said in French
        return _end(batch_id, attempt, S.FAILED, error=f"{where} : {storage_error_message(error)}")
    except Exception:
        logger.exception("Issuing batch %s failed (%s)", batch_id, where)
        _end(batch_id, attempt, S.FAILED, error=f"{where} : {UNEXPECTED}")
        raise  # the task result keeps the traceback
    except (KeyboardInterrupt, SystemExit):
        # The worker asked to stop (Ctrl-C, a second SIGTERM): say so at once. A worker killed
        # outright (SIGKILL, power cut) says nothing: its batch becomes stale, then resumable.
        _end(batch_id, attempt, S.FAILED, error=f"{where} : {STOPPED}")
        raise
    return _end(batch_id, attempt, S.DONE)


@task()
def issue_batch(batch_id: int) -> dict:
    """The background task of a batch (run by `acquis db_worker`)."""
    batch = run(batch_id)
    return {"batch": batch.pk, "status": batch.status, "processed": batch.processed}
