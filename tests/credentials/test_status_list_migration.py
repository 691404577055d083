"""The migration to one status list per issuer keeps what badges already point to: the
existing list keeps its URL (its key is the certifier's id) and becomes the list of its
earliest badge's issuer; every badge gets its list; an empty list goes."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("credentials", "0003_issuing_batch")]
AFTER = [("credentials", "0004_status_list_per_issuer")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_badges_keep_their_list_and_url(certifier, other_certifier, ops_version):
    from tests.juries import factories as jf

    candidacy = jf.ready_candidacy(ops_version)
    decision = jf.decided_and_signed(ops_version, [candidacy]).decisions.get()
    # Going back to 0003 also unapplies the later migrations of every app that depends on
    # credentials: the test ends with the whole schema at its latest state again.
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        apps = migrate(BEFORE)
        StatusList = apps.get_model("credentials", "StatusList")
        IssuedCredential = apps.get_model("credentials", "IssuedCredential")
        StatusList.objects.create(certifier_id=certifier.pk, next_index=2)
        StatusList.objects.create(certifier_id=other_certifier.pk)  # no badge: removed
        for index, issuer in enumerate(["did:key:z6MkAncien", "did:web:acquis.example.fr"]):
            IssuedCredential.objects.create(
                certifier_id=certifier.pk,
                decision_id=decision.pk,
                block_id=ops_version.blocks.order_by("position")[index].pk,
                credential_id=f"urn:uuid:{index}",
                status_index=index,
                document={"issuer": {"id": issuer}},
                issued_at=timezone.now(),
            )
        apps = migrate(AFTER)
        StatusList = apps.get_model("credentials", "StatusList")
        IssuedCredential = apps.get_model("credentials", "IssuedCredential")
        (listed,) = StatusList.objects.all()
        assert (listed.certifier_id, listed.key) == (certifier.pk, str(certifier.pk))
        assert listed.issuer == "did:key:z6MkAncien" and listed.next_index == 2
        assert set(IssuedCredential.objects.values_list("status_list_id", flat=True)) == {listed.pk}
    finally:
        migrate(latest)
