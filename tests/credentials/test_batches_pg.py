"""Issuing batches racing on PostgreSQL: nothing issued twice, numbers without gap.

1. Two workers take the same batch at the same instant: one claims it, the other leaves it.
2. A run overtaken in flight (its batch resumed as stale while it works) by a second run in
   another connection: the batch row lock orders them, the loser stops at its next step.
3. A batch and the synchronous `issue_for_deliberation` at the same time: the decision row
   locks serialise them.
4. A real worker process (`acquis credentials issue`) killed with SIGKILL half-way: the batch
   stays "running", becomes stale, and a new request resumes it after the last decision.
SQLite serialises writers on its database lock, so these would show nothing there (skipped).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/acquis_c .venv/bin/pytest \
     tests/credentials/test_batches_pg.py
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from acquis.audit.models import AuditEvent
from acquis.credentials import batches, issuing
from acquis.credentials.enums import BatchStatus
from acquis.credentials.models import IssuedDocument, IssuingBatch
from tests.concurrency import own_connection, require_postgresql, together
from tests.credentials.batch_helpers import assert_issued_once, keys, signed_deliberation

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
S = BatchStatus


@pytest.fixture(autouse=True)
def _postgresql(settings, tmp_path):
    require_postgresql("Lots concurrents")
    keys(settings, tmp_path)


@pytest.fixture
def deliberation(ops_version):
    return signed_deliberation(ops_version, 4)


def test_two_workers_on_the_same_batch(deliberation):
    batch = batches.request_batch(deliberation, actor=None)
    results = together([lambda: batches.run(batch.pk), lambda: batches.run(batch.pk)])
    assert [r for r in results if isinstance(r, BaseException)] == []
    batch.refresh_from_db()
    assert (batch.status, batch.processed, batch.attempt) == (S.DONE, 4, 1)
    assert_issued_once(deliberation)


def test_a_run_overtaken_in_flight_by_a_run_in_another_connection(deliberation, settings):
    batch = batches.request_batch(deliberation, actor=None)
    started, resumed = threading.Event(), threading.Event()
    second: list = []

    def pause_after_the_first_decision(current):
        if current.processed == 1 and not started.is_set():
            started.set()
            assert resumed.wait(timeout=60)

    def first_run():
        with own_connection():
            return batches.run(batch.pk, on_progress=pause_after_the_first_decision)

    def overtake():
        with own_connection():
            try:
                assert started.wait(timeout=60)
                settings.ACQUIS_BATCH_STALE_SECONDS = 0  # the first run looks dead
                again = batches.resume(batch, actor=None)
                resumed.set()  # both runs now race for the batch row
                second.append(batches.run(again.pk))
            except BaseException as exc:
                resumed.set()
                second.append(exc)

    helper = threading.Thread(target=overtake)
    helper.start()
    first = first_run()
    helper.join(timeout=120)
    assert not isinstance(second[0], BaseException), second[0]
    final = IssuingBatch.objects.get(pk=batch.pk)
    assert (final.status, final.processed, final.attempt) == (S.DONE, 4, 2)
    assert first.attempt in (1, 2)  # it stopped as soon as the batch was no longer its own
    events = AuditEvent.objects.for_object(final).order_by("id")
    starts = [e.payload["attempt"] for e in events.filter(verb="credentials.batch_start")]
    assert starts == [1, 2] and events.filter(verb="credentials.batch_finish").count() == 1
    documents_, credentials = assert_issued_once(deliberation)
    pv = IssuedDocument.objects.filter(minutes__deliberation=deliberation).count()
    assert final.documents_issued == len(documents_) + pv  # each counted once
    assert final.badges_issued == len(credentials)


def test_a_batch_and_a_direct_issue_at_the_same_time(deliberation):
    batch = batches.request_batch(deliberation, actor=None)
    results = together(
        [
            lambda: batches.run(batch.pk),
            lambda: issuing.issue_for_deliberation(deliberation, actor=None),
        ]
    )
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert IssuingBatch.objects.get(pk=batch.pk).status == S.DONE
    assert_issued_once(deliberation)


def _worker_env(settings, tmp_path) -> dict:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "ACQUIS_VAR_DIR": str(tmp_path / "var"),
        "ACQUIS_PDF_SIGNING_KEY": str(settings.ACQUIS_PDF_SIGNING_KEY),
        "ACQUIS_PDF_SIGNING_CERT": str(settings.ACQUIS_PDF_SIGNING_CERT),
        "ACQUIS_BADGE_KEY": settings.ACQUIS_BADGE_KEY,
        "SITE_URL": settings.SITE_URL,
    }


def test_a_worker_killed_half_way_resumes_without_duplicates(ops_version, settings, tmp_path):
    deliberation = signed_deliberation(ops_version, 5)
    acquis = Path(sys.executable).with_name("acquis")
    worker = subprocess.Popen(  # noqa: S603 - our own command
        [str(acquis), "credentials", "issue", str(deliberation.pk)],
        env=_worker_env(settings, tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and worker.poll() is None:
        batch = IssuingBatch.objects.filter(deliberation=deliberation).first()
        if batch is not None and batch.processed >= 1:
            worker.send_signal(signal.SIGKILL)  # no handler runs: as a power cut
            break
        time.sleep(0.02)
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL, worker.stderr.read().decode()[-2000:]
    worker.stderr.close()
    batch = IssuingBatch.objects.get(deliberation=deliberation)
    assert batch.status == S.RUNNING and 1 <= batch.processed < 5
    after = deliberation.decisions.filter(pk__gt=batch.last_decision_id)
    assert not IssuedDocument.objects.filter(decision__in=after).exists()  # rolled back
    settings.ACQUIS_BATCH_STALE_SECONDS = 0  # no news since the kill
    resumed = batches.request_batch(deliberation, actor=None, enqueue=False)
    assert resumed.pk == batch.pk
    done = batches.run(resumed.pk)
    assert (done.status, done.processed, done.attempt) == (S.DONE, 5, 2)
    documents_, credentials = assert_issued_once(deliberation)
    pv = IssuedDocument.objects.filter(minutes__deliberation=deliberation).count()
    assert done.documents_issued == len(documents_) + pv
    assert done.badges_issued == len(credentials)
