"""The audit trail detects a cut tail (signed checkpoints) and survives an RGPD erasure."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from acquis.audit import checkpoints
from acquis.audit.models import AuditCheckpoint, AuditEvent, ChainHead
from acquis.audit.services import record_event
from acquis.credentials import badges

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(settings):
    settings.ACQUIS_BADGE_KEY = badges.key_to_multibase(badges.generate_key())


def verify(*args) -> str:
    out = StringIO()
    call_command("audit", "verify", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_deleting_the_tail_is_caught_by_the_signed_checkpoint(ops_version, key):
    for n in range(4):
        record_event("test.event", ops_version, payload={"n": n})
    checkpoints.write_checkpoint("test")
    assert "conforme au point de contrôle" in verify()
    tail = AuditEvent.objects.order_by("-id")[:2]
    last_kept = AuditEvent.objects.order_by("-id")[2]
    AuditEvent.objects.filter(pk__in=[e.pk for e in tail])._raw_delete(AuditEvent.objects.db)
    ChainHead.objects.update(last_hash=last_kept.hash)  # as an intruder would
    with pytest.raises(CommandError, match="Journal tronqué"):
        verify()


def test_a_forged_checkpoint_is_refused(ops_version, key):
    record_event("test.event", ops_version)
    checkpoint = checkpoints.write_checkpoint("test")
    AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(event_count=0)
    with pytest.raises(CommandError, match="signature invalide"):
        verify()


def test_an_exported_copy_catches_checkpoints_deleted_with_the_tail(ops_version, key, tmp_path):
    for _ in range(3):
        record_event("test.event", ops_version)
    checkpoints.write_checkpoint("test")
    copy = tmp_path / "points.json"
    call_command("audit", "checkpoints", "--export", str(copy), stdout=StringIO())
    exported = json.loads(copy.read_text())["checkpoints"][0]
    assert exported["event_count"] == AuditEvent.objects.count()
    last = AuditEvent.objects.order_by("-id").first()
    AuditEvent.objects.filter(pk=last.pk)._raw_delete(AuditEvent.objects.db)
    AuditCheckpoint.objects.all()._raw_delete(AuditCheckpoint.objects.db)
    with pytest.raises(CommandError, match="Contre l'export.*tronqué"):
        verify("--checkpoint", str(copy))


def test_a_blanked_event_without_an_erasure_is_tampering(ops_version):
    event = record_event("test.event", ops_version, payload={"nom": "Dupont"})
    AuditEvent.objects.filter(pk=event.pk).update(
        payload={}, actor_label="[effacé]", object_repr="[effacé]", seal_salt=""
    )
    with pytest.raises(CommandError, match="sans qu'un effacement RGPD"):
        verify()


def test_the_daily_maintenance_signs_a_checkpoint_and_enqueues_its_next_run(key):
    from django_tasks_db.models import DBTaskResult

    from acquis import maintenance

    summary = maintenance.run_maintenance()
    assert isinstance(summary["checkpoint"], int)
    assert maintenance.schedule_next() is True
    assert maintenance.schedule_next() is False  # one waiting run only
    assert DBTaskResult.objects.filter(task_path=maintenance.TASK_PATH).count() == 1


def test_admin_actions_are_audited(client, personas, ops_version):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    admin = personas["administrateur"]
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(admin),
        object_id=str(admin.pk),
        object_repr=str(admin),
        action_flag=CHANGE,
        change_message="[]",
    )
    event = AuditEvent.objects.get(verb="admin.action")
    assert event.actor == admin and event.payload["action"] == "change"
