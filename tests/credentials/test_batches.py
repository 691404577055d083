"""Issuing batches: requests and refusals, states and their audit, progress, failures in the
middle and resuming without duplicates, a run overtaken by a newer one (the real worker:
test_batch_worker.py).

Faults are real where possible (the signing key removed half-way); a crash inside a
decision's transaction is injected by making the badge step raise, as a killed worker would
leave it: that transaction rolls back whole, numbers included.
"""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from acquis.audit.models import AuditEvent
from acquis.credentials import badges, batches, issuing
from acquis.credentials.enums import BatchStatus
from acquis.credentials.models import IssuedCredential, IssuedDocument, IssuingBatch
from acquis.juries.models import Deliberation
from tests.conftest import module_world
from tests.credentials.batch_helpers import (
    assert_issued_once,
    keys,
    live_documents,
    signed_deliberation,
)
from tests.juries import factories as jf

S = BatchStatus


@pytest.fixture(autouse=True)
def _keys(settings, tmp_path):
    keys(settings, tmp_path)


three_signed = module_world(signed_deliberation)  # built once for the module's tests


@pytest.fixture
def deliberation(three_signed, ops_version):
    """A signed deliberation of 3 decisions (a fresh instance for each test)."""
    return Deliberation.objects.get(pk=three_signed.pk)


def pv_count(deliberation) -> int:
    return IssuedDocument.objects.filter(minutes__deliberation=deliberation).count()


def without_anything(deliberation) -> int:
    """Decisions with no document and no badge (a refusal, until decision letters exist)."""
    return (
        deliberation.decisions.filter(issued_documents__isnull=True, credentials__isnull=True)
        .distinct()
        .count()
    )


def verbs(batch) -> list[str]:
    events = AuditEvent.objects.for_object(batch).order_by("id")
    return [e.verb.removeprefix("credentials.batch_") for e in events]


@pytest.mark.django_db
def test_an_unsigned_deliberation_is_refused(ops_version):
    candidacy = jf.ready_candidacy(ops_version)
    unsigned = jf.deliberation(ops_version, [candidacy])
    with pytest.raises(batches.BatchError, match="procès-verbal signé par tous les membres"):
        batches.request_batch(unsigned, actor=None)
    assert not IssuingBatch.objects.exists() and not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_a_request_queues_one_task_and_a_second_is_refused(deliberation, personas):
    manager = personas["responsable_epreuves"]
    batch = batches.request_batch(deliberation, actor=manager)
    assert (batch.status, batch.total, batch.processed) == (S.QUEUED, 3, 0)
    assert batch.requested_by == manager and batch.certifier == deliberation.certifier
    task = DBTaskResult.objects.get()
    assert str(task.id) == batch.task_id
    assert task.task_path == "acquis.credentials.batches.issue_batch"
    assert task.args_kwargs == {"args": [batch.pk], "kwargs": {}}
    with pytest.raises(
        batches.BatchError, match=r"lot n° \d+ est déjà en attente .*\(0 / 3 décisions\)"
    ):
        batches.request_batch(deliberation, actor=manager)
    assert IssuingBatch.objects.count() == 1 and verbs(batch) == ["requested"]


@pytest.mark.django_db
def test_a_run_issues_everything_with_progress(deliberation, personas):
    batch = batches.request_batch(deliberation, actor=personas["administrateur"])
    seen = []
    done = batches.run(batch.pk, on_progress=lambda b: seen.append(b.processed))
    assert seen == [0, 1, 2, 3]  # the PV, then each decision
    assert (done.status, done.processed, done.total) == (S.DONE, 3, 3)
    documents_, credentials = assert_issued_once(deliberation)
    assert done.documents_issued == len(documents_) + pv_count(deliberation) >= 2
    assert done.badges_issued == len(credentials) >= 1
    assert done.skipped == without_anything(deliberation)
    assert done.last_decision == deliberation.decisions.order_by("pk").last()
    assert done.started_at <= done.finished_at and not done.error
    assert verbs(done) == ["requested", "start", "finish"]
    # Every document issued by the batch is issued by whoever requested it.
    assert {d.issued_by for d in live_documents(deliberation)} == {personas["administrateur"]}
    # A second batch later issues nothing new.
    again = batches.run(batches.request_batch(deliberation, actor=None).pk)
    assert (again.status, again.documents_issued, again.badges_issued) == (S.DONE, 0, 0)
    assert again.skipped == 3


@pytest.mark.django_db
def test_a_signing_failure_half_way_then_resume_issues_the_rest_once(
    deliberation, settings, tmp_path
):
    key = settings.ACQUIS_PDF_SIGNING_KEY
    first, second, _ = deliberation.decisions.order_by("pk")

    def remove_key_after_the_first_decision(batch):
        if batch.processed == 1:
            settings.ACQUIS_PDF_SIGNING_KEY = tmp_path / "absente.pem"

    batch = batches.request_batch(deliberation, actor=None)
    failed = batches.run(batch.pk, on_progress=remove_key_after_the_first_decision)
    holder = second.candidacy.candidate
    assert failed.status == S.FAILED and failed.processed == 1
    assert failed.error.startswith(f"Décision de {holder.first_name} {holder.birth_name.upper()}")
    assert "clé introuvable" in failed.error
    assert failed.last_decision == first
    assert set(live_documents(deliberation).values_list("decision", flat=True)) == {first.pk}
    assert not IssuedCredential.objects.filter(decision=second).exists()  # rolled back whole
    assert batches.can_resume(failed)

    settings.ACQUIS_PDF_SIGNING_KEY = key
    resumed = batches.resume(failed, actor=None)
    assert (resumed.status, resumed.error) == (S.QUEUED, "")
    assert DBTaskResult.objects.filter(id=resumed.task_id).exists()  # a new task
    done = batches.run(resumed.pk)
    assert (done.status, done.processed, done.attempt) == (S.DONE, 3, 2)
    documents_, credentials = assert_issued_once(deliberation)
    assert done.documents_issued == len(documents_) + pv_count(deliberation)
    assert done.badges_issued == len(credentials)
    assert verbs(done) == ["requested", "start", "fail", "resume", "start", "finish"]
    fail_event = AuditEvent.objects.get(verb="credentials.batch_fail")
    assert fail_event.to_state == S.FAILED and fail_event.from_state == S.RUNNING


@pytest.mark.django_db
def test_a_worker_stopped_inside_a_decision_rolls_it_back_then_resumes(deliberation, monkeypatch):
    issue_badges = badges.issue_for_decision
    second = deliberation.decisions.order_by("pk")[1]

    def stopped_on_the_second(decision, *, actor):
        if decision.pk == second.pk:
            raise KeyboardInterrupt  # Ctrl-C while this decision is being issued
        return issue_badges(decision, actor=actor)

    monkeypatch.setattr(badges, "issue_for_decision", stopped_on_the_second)
    batch = batches.request_batch(deliberation, actor=None)
    with pytest.raises(KeyboardInterrupt):
        batches.run(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.processed) == (S.FAILED, 1)
    assert "le processus de traitement a été arrêté" in batch.error
    assert not live_documents(deliberation).filter(decision=second).exists()  # rolled back

    monkeypatch.setattr(badges, "issue_for_decision", issue_badges)
    done = batches.run(batches.resume(batch, actor=None).pk)
    assert (done.status, done.processed) == (S.DONE, 3)
    assert_issued_once(deliberation)


@pytest.mark.django_db
def test_a_running_batch_without_news_is_stale_and_a_request_resumes_it(deliberation):
    batch = batches.request_batch(deliberation, actor=None)
    batches._claim(batch.pk)  # taken by a worker that then died without a word (SIGKILL)
    batch.refresh_from_db()
    assert batch.status == S.RUNNING and not batches.can_resume(batch)
    with pytest.raises(batches.BatchError, match="seul un lot interrompu se reprend"):
        batches.resume(batch, actor=None)
    with pytest.raises(batches.BatchError, match="déjà en cours"):
        batches.request_batch(deliberation, actor=None)
    IssuingBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=timezone.now() - timezone.timedelta(seconds=301)
    )
    batch.refresh_from_db()
    assert batches.is_stale(batch)
    resumed = batches.request_batch(deliberation, actor=None)  # a stale batch is resumed
    assert resumed.pk == batch.pk and resumed.status == S.QUEUED
    done = batches.run(resumed.pk)
    assert (done.status, done.processed, done.attempt) == (S.DONE, 3, 2)
    assert_issued_once(deliberation)
    resume_event = AuditEvent.objects.get(verb="credentials.batch_resume")
    assert resume_event.payload["stale"] is True


@pytest.mark.django_db
def test_an_unexpected_error_fails_the_batch_with_a_french_reason(deliberation, monkeypatch):
    def broken(decision, *, actor):
        raise RuntimeError("boom")

    monkeypatch.setattr(issuing, "issue_decision_documents", broken)
    batch = batches.request_batch(deliberation, actor=None)
    with pytest.raises(RuntimeError):
        batches.run(batch.pk)
    batch.refresh_from_db()
    assert batch.status == S.FAILED and batch.processed == 0
    assert "Erreur inattendue pendant la délivrance" in batch.error
    assert "boom" not in batch.error  # no internals shown to the user


@pytest.mark.django_db
def test_a_missing_badge_key_fails_with_its_reason(deliberation, settings, tmp_path):
    settings.ACQUIS_BADGE_KEY = ""
    settings.ACQUIS_BADGE_KEY_FILE = tmp_path / "absente.key"
    batch = batches.run(batches.request_batch(deliberation, actor=None).pk)
    assert batch.status == S.FAILED and "Clé de signature des badges absente" in batch.error
    assert not live_documents(deliberation).exists()  # the decision's transaction rolled back


@pytest.mark.django_db
def test_a_run_overtaken_by_a_newer_one_stops_without_issuing(deliberation, settings):
    batch = batches.request_batch(deliberation, actor=None)
    inner = []

    def take_over(current):
        if current.processed == 1 and not inner:
            settings.ACQUIS_BATCH_STALE_SECONDS = 0  # the first run looks dead
            resumed = batches.resume(current, actor=None)
            inner.append(batches.run(resumed.pk))

    outer = batches.run(batch.pk, on_progress=take_over)
    assert inner[0].status == S.DONE and inner[0].attempt == 2
    assert (outer.status, outer.processed, outer.attempt) == (S.DONE, 3, 2)
    assert_issued_once(deliberation)
    assert verbs(outer).count("finish") == 1


@pytest.mark.django_db
def test_only_a_queued_batch_runs(deliberation):
    batch = batches.run(batches.request_batch(deliberation, actor=None).pk)
    events = AuditEvent.objects.count()
    assert batches.run(batch.pk).status == S.DONE  # done: left alone
    assert AuditEvent.objects.count() == events
    with pytest.raises(batches.BatchError, match="il est « Terminé »"):
        batches.resume(batch, actor=None)


@pytest.mark.django_db
def test_database_constraints(deliberation):
    batch = batches.request_batch(deliberation, actor=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        IssuingBatch.objects.create(
            deliberation=deliberation,
            certifier=deliberation.certifier,
            total=3,
            requested_at=timezone.now(),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        IssuingBatch.objects.filter(pk=batch.pk).update(status=S.FAILED)  # without reason
    with pytest.raises(IntegrityError), transaction.atomic():
        IssuingBatch.objects.filter(pk=batch.pk).update(processed=4)
