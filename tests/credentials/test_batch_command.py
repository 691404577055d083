"""`acquis credentials issue DELIBERATION_ID [--background]`: runs or resumes the batch with
its progress on stderr, fails with the French reason (exit status 1), or only queues it."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from acquis.credentials.enums import BatchStatus
from acquis.credentials.models import IssuingBatch
from tests.credentials.batch_helpers import assert_issued_once, keys, signed_deliberation
from tests.juries import factories as jf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keys(settings, tmp_path):
    keys(settings, tmp_path)


@pytest.fixture
def deliberation(ops_version):
    return signed_deliberation(ops_version, 2)


def issue(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("credentials", "issue", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_issue_runs_the_batch_with_plain_progress_lines(deliberation):
    out, err = issue(deliberation.pk)
    batch = IssuingBatch.objects.get()
    assert batch.status == BatchStatus.DONE and batch.task_id == ""  # run here, not queued
    assert not DBTaskResult.objects.exists()
    assert err.splitlines() == [f"Lot n° {batch.pk} : {n} / 2 décisions" for n in (0, 1, 2)]
    assert out.startswith(f"Lot n° {batch.pk} terminé : 2 / 2 décisions, ")
    assert f"{batch.documents_issued} document(s)" in out
    assert_issued_once(deliberation)


def test_a_failure_gives_the_reason_then_issue_resumes(deliberation, settings):
    key = settings.ACQUIS_PDF_SIGNING_KEY
    settings.ACQUIS_PDF_SIGNING_KEY = key.with_name("absente.pem")
    with pytest.raises(CommandError, match=r"Lot n° \d+ interrompu : .* clé introuvable"):
        issue(deliberation.pk)
    failed = IssuingBatch.objects.get()
    assert failed.status == BatchStatus.FAILED
    settings.ACQUIS_PDF_SIGNING_KEY = key
    out, _ = issue(deliberation.pk)
    assert out.startswith(f"Lot n° {failed.pk} terminé")  # the same batch, resumed
    assert IssuingBatch.objects.get().attempt == 2
    assert_issued_once(deliberation)


def test_background_only_queues_then_issue_takes_the_queued_batch(deliberation):
    out, err = issue(deliberation.pk, "--background")
    batch = IssuingBatch.objects.get()
    assert batch.status == BatchStatus.QUEUED and err == ""
    assert out.startswith(f"Lot n° {batch.pk} mis en file d'attente (2 décisions, tâche ")
    assert DBTaskResult.objects.get().id.hex == batch.task_id.replace("-", "")
    with pytest.raises(CommandError, match="déjà en attente"):
        issue(deliberation.pk, "--background")
    out, _ = issue(deliberation.pk)
    assert out.startswith(f"Lot n° {batch.pk} terminé")


def test_refusals_exit_with_status_1_and_a_french_reason(ops_version):
    # BaseCommand.run_from_argv prints a CommandError and exits with its returncode (1);
    # not called here: it closes the database connections, the test's transaction with them.
    unsigned = jf.deliberation(ops_version, [jf.ready_candidacy(ops_version)])
    with pytest.raises(CommandError, match="procès-verbal signé par tous les membres") as refused:
        issue(unsigned.pk)
    assert refused.value.returncode == 1
    with pytest.raises(CommandError, match=r"^Délibération n° 999999 introuvable\.$") as unknown:
        issue(999999)
    assert unknown.value.returncode == 1
    assert not IssuingBatch.objects.exists()
