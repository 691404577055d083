"""The real database worker runs a requested batch to its end (a test of its own: it needs
committed transactions, the other batch tests share one signed deliberation per module)."""

import io
import signal

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from acquis.credentials import batches
from acquis.credentials.enums import BatchStatus
from acquis.juries.enums import DecisionKind
from tests.conftest import worker_on_postgresql
from tests.credentials.batch_helpers import keys, live_documents, signed_deliberation

S = BatchStatus


@pytest.fixture(autouse=True)
def _keys(settings, tmp_path):
    keys(settings, tmp_path)


@worker_on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_the_batch(ops_version):
    deliberation = signed_deliberation(ops_version, 3)
    batch = batches.request_batch(deliberation, actor=None)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO()
        )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    batch.refresh_from_db()
    assert (batch.status, batch.processed) == (S.DONE, 3)
    task = DBTaskResult.objects.get(id=batch.task_id)
    assert task.status == "SUCCESSFUL"
    assert task.return_value == {"batch": batch.pk, "status": "done", "processed": 3}
    kinds = set(live_documents(deliberation).values_list("decision__kind", "kind"))
    assert {
        (DecisionKind.TOTAL, "certificate"),
        (DecisionKind.PARTIAL, "block_attestation"),
    } <= kinds
