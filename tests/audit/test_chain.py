"""The audit log is a hash chain: `acquis audit verify` finds the first broken link."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from acquis.audit.models import AuditEvent
from acquis.audit.services import record_event


def verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_intact_chain_verifies(ops_version):
    record_event("test.event", ops_version, payload={"a": 1})
    assert "intègre" in verify()


@pytest.mark.django_db
def test_a_row_altered_in_the_database_is_caught(ops_version):
    events = [record_event("test.event", ops_version, payload={"n": n}) for n in range(3)]
    # Bypass the model's guard, as someone with database access would.
    AuditEvent.objects.filter(pk=events[1].pk).update(payload={"n": 99})
    with pytest.raises(CommandError, match=f"événement n° {events[1].pk}"):
        verify()


@pytest.mark.django_db
def test_a_deleted_row_breaks_the_link(ops_version):
    events = [record_event("test.event", ops_version) for _ in range(3)]
    AuditEvent.objects.filter(pk=events[1].pk)._raw_delete(AuditEvent.objects.db)
    with pytest.raises(CommandError, match=f"n° {events[2].pk}.*lien"):
        verify()


@pytest.mark.django_db
def test_events_cannot_be_edited_or_deleted_through_the_model(ops_version):
    event = record_event("test.event", ops_version)
    with pytest.raises(ValueError, match="modifié"):
        event.save()
    with pytest.raises(ValueError, match="supprimé"):
        event.delete()
