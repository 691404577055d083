"""The migration that makes validated blocks acquired for good keeps the history: each
ledger row that had an expiry gets an audit event with the old value (hash-chained), and
the way back restores the expiry from the decision's deadline."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from acquis.audit.models import AuditEvent
from acquis.audit.services import verify_chain
from acquis.juries.models import HeldBlock
from tests.juries import factories as jf

BEFORE = [("juries", "0001_initial")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_removed_expiries_stay_in_the_audit_log(ops_version):
    candidacy = jf.ready_candidacy(ops_version, not_acquired=["C3.2.1"])
    deliberation = jf.decided_and_signed(ops_version, [candidacy])
    decision = deliberation.decisions.get()
    rows = sorted(HeldBlock.objects.filter(decision=decision).values_list("pk", flat=True))
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old_apps = _migrate(BEFORE)
        OldHeldBlock = old_apps.get_model("juries", "HeldBlock")
        # Back: the rows of the partial validation get its deadline as their old expiry.
        assert set(OldHeldBlock.objects.values_list("expires_on", flat=True)) == {decision.deadline}
    finally:
        _migrate(latest)
    events = AuditEvent.objects.filter(verb="ledger.expiry_removed").order_by("pk")
    assert sorted(int(e.object_id) for e in events) == rows
    assert {e.payload["expires_on"] for e in events} == {decision.deadline.isoformat()}
    assert {e.payload["new_validation_deadline"] for e in events} == {decision.deadline.isoformat()}
    assert verify_chain().ok
