"""Validated blocks are acquired for good: the ledger's rows lose their expiry.

The expiry of a partial validation's blocks was the decision's deadline, which stays on the
decision as the deadline for a new validation request. Before the column goes, each row
that had an expiry gets an audit event (`ledger.expiry_removed`) carrying the old value, so
the history stays in the hash-chained log. Reversed, the rows of partial validations get
their decision's deadline back.
"""

import hashlib
import json
import secrets

from django.db import migrations, models
from django.utils import timezone

GENESIS_HASH = "0" * 64
SYSTEM_ACTOR = "système"


def _canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")


def _seal_and_hash(event) -> None:
    # The same seal and hash as acquis.audit.models.AuditEvent (seal_fields, compute_hash),
    # frozen here: a migration never imports live code.
    event.seal_salt = secrets.token_hex(16)
    sealed = {
        "actor_label": event.actor_label,
        "object_repr": event.object_repr,
        "payload": event.payload,
    }
    event.seal = hashlib.sha256(event.seal_salt.encode("ascii") + _canonical(sealed)).hexdigest()
    content = {
        "created_at": event.created_at.isoformat(),
        "actor_id": event.actor_id,
        "verb": event.verb,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "seal": event.seal,
        "prev_hash": event.prev_hash,
    }
    event.hash = hashlib.sha256(_canonical(content)).hexdigest()


def record_removed_expiries(apps, schema_editor):
    HeldBlock = apps.get_model("juries", "HeldBlock")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ChainHead = apps.get_model("audit", "ChainHead")
    rows = (
        HeldBlock.objects.filter(expires_on__isnull=False)
        .select_related("decision", "candidate")
        .order_by("pk")
    )
    if not rows.exists():
        return
    head, _ = ChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS_HASH}
    )
    previous, now = head.last_hash, timezone.now()
    for row in rows.iterator(chunk_size=500):
        deadline = row.decision.deadline
        event = AuditEvent(
            created_at=now,
            actor=None,
            actor_label=SYSTEM_ACTOR,
            verb="ledger.expiry_removed",
            object_type="juries.HeldBlock",
            object_id=str(row.pk),
            object_repr=f"{row.block_code} — candidat n° {row.candidate_id}"[:255],
            payload={
                "block": row.block_code,
                "decision": row.decision_id,
                "expires_on": row.expires_on.isoformat(),
                "new_validation_deadline": deadline.isoformat() if deadline else None,
                "reason": "Un bloc validé est acquis définitivement ; la date est celle "
                "jusqu'à laquelle une nouvelle validation peut être demandée.",
            },
            prev_hash=previous,
        )
        _seal_and_hash(event)
        previous = event.hash
        event.save()
    head.last_hash = previous
    head.save(update_fields=["last_hash"])


def restore_expiries(apps, schema_editor):
    HeldBlock = apps.get_model("juries", "HeldBlock")
    for row in HeldBlock.objects.filter(decision__kind="partial").select_related("decision"):
        row.expires_on = row.decision.deadline
        row.save(update_fields=["expires_on"])


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_erasable_seal_and_checkpoints"),
        ("juries", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(record_removed_expiries, restore_expiries),
        migrations.RemoveField(
            model_name="heldblock",
            name="expires_on",
        ),
        migrations.AlterField(
            model_name="decision",
            name="deadline",
            field=models.DateField(
                blank=True,
                null=True,
                verbose_name="demandes de nouvelle validation possibles jusqu'au",
            ),
        ),
    ]
