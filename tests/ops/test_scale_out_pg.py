"""Several workers on one PostgreSQL: 3 real `acquis db_worker` processes, one issuing batch
of 200 documents (100 total validations: a certificate and a letter each, plus the PV).

The batch's task is enqueued three times (as a double submission would): the workers take
tasks with `SELECT … FOR UPDATE SKIP LOCKED` (django-tasks-db), each task goes to exactly
one worker, and the batch itself runs once (its row lock and state). A third of the way, the
worker running it is killed (SIGKILL, as a crashed machine) while it waits for a decision the
test holds locked (a state, not a moment); the batch, stale, is resumed and another worker
finishes it. Every document is issued once and the numbers have no gap.

The 100 decisions: one signed through the real verbs, 99 copied from it in bulk (as
bench/bench_certificates.py does): building 100 through the verbs would take minutes.
"""

import signal
import subprocess

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from acquis.audit.models import AuditEvent
from acquis.credentials import batches
from acquis.credentials.enums import BatchStatus
from acquis.credentials.models import IssuedDocument, IssuingBatch
from acquis.juries.models import Decision
from acquis.ops.models import WorkerHeartbeat
from tests.credentials.batch_helpers import assert_issued_once, keys
from tests.exports import awarded
from tests.ops.helpers import ACQUIS, REPO, clone_decisions, wait_for, worker_env

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
DECISIONS = 100
WORKERS = 3


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("Plusieurs processus sur une base : PostgreSQL seulement (DATABASE_URL).")


def test_three_workers_one_batch_of_200_documents(ops_version, settings, tmp_path):
    keys(settings, tmp_path)
    template = awarded(ops_version)
    deliberation = template.deliberation
    clone_decisions(template, DECISIONS - 1)
    env = worker_env(settings, tmp_path)
    workers = {
        f"travailleur-{i}": subprocess.Popen(  # noqa: S603 - our own command
            [
                ACQUIS,
                "db_worker",
                "--interval",
                "0.1",
                "--no-reload",
                "--no-startup-delay",
                "--worker-id",
                f"travailleur-{i}",
                "-v0",
            ],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        for i in range(WORKERS)
    }
    try:
        wait_for(lambda: WorkerHeartbeat.objects.count() == WORKERS, timeout=60, what="3 processus")
        # The batch takes the decisions in order: holding the row of the one after the first
        # third stops its worker there, whatever the speed of the machine.
        order = list(deliberation.decisions.order_by("pk").values_list("pk", flat=True))
        locker = connection.copy()
        locker.ensure_connection()
        locker.set_autocommit(False)
        with locker.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {Decision._meta.db_table} WHERE id = %s FOR UPDATE",  # noqa: S608
                [order[DECISIONS // 3]],
            )
        try:
            batch = batches.request_batch(deliberation, actor=None)
            for _ in range(2):  # the same batch's task twice more, as a double submission
                batches.issue_batch.enqueue(batch.pk)

            def waiting_on_the_held_decision():
                current = IssuingBatch.objects.get(pk=batch.pk)
                if current.processed != DECISIONS // 3:
                    return None
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND wait_event_type = 'Lock' AND query LIKE %s",
                        [f'%FROM "{Decision._meta.db_table}"%FOR UPDATE%'],
                    )
                    return current if cursor.fetchone()[0] else None

            held = wait_for(waiting_on_the_held_decision, timeout=240, what="un tiers du lot")
            owner = DBTaskResult.objects.get(id=held.task_id).worker_ids
            assert len(owner) == 1  # claimed by one worker only
            killed = workers[owner[0]]
            killed.send_signal(signal.SIGKILL)
            killed.wait(timeout=30)
        finally:
            # The dead worker's session gets the row, finds its client gone and rolls back.
            locker.rollback()
            locker.close()

        settings.ACQUIS_BATCH_STALE_SECONDS = 0  # no news from its worker any more
        resumed = batches.request_batch(deliberation, actor=None)
        assert resumed.pk == batch.pk

        def finished():
            current = IssuingBatch.objects.get(pk=batch.pk)
            return current if current.status in (BatchStatus.DONE, BatchStatus.FAILED) else None

        done = wait_for(finished, timeout=300, what="la fin du lot")
    finally:
        for process in workers.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in workers.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stderr.close()

    assert (done.status, done.processed, done.attempt) == (BatchStatus.DONE, DECISIONS, 2)
    documents, badges_issued = assert_issued_once(deliberation)
    assert len(documents) == 2 * DECISIONS  # a certificate and a letter per decision
    pv = IssuedDocument.objects.filter(minutes__deliberation=deliberation).count()
    assert pv == 1 and done.documents_issued == len(documents) + pv
    assert done.badges_issued == len(badges_issued) > 0

    tasks = DBTaskResult.objects.filter(args_kwargs__args=[batch.pk])
    assert tasks.count() == 4  # three enqueued at first, one for the resume
    assert all(len(task.worker_ids) == 1 for task in tasks)  # SKIP LOCKED: one taker each
    takers = {task.worker_ids[0] for task in tasks}
    assert owner[0] in takers and len(takers) >= 2  # the resume went to a living worker
    starts = AuditEvent.objects.for_object(done).filter(verb="credentials.batch_start")
    assert [event.payload["attempt"] for event in starts.order_by("id")] == [1, 2]
