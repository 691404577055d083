"""Verbs of the audit log: record an event, verify the chain."""

from dataclasses import dataclass

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from acquis.audit.models import GENESIS_HASH, AuditEvent, ChainHead

SYSTEM_ACTOR = "système"
# Sent once per call of record_event / record_events, inside the caller's transaction, with
# `events` (the saved AuditEvents, in order) and `objects` (the object of each): other apps
# (webhooks: acquis.integrations.dispatch) follow the domain's events without the domain, or
# this log, knowing them.
event_recorded = Signal()


def record_event(
    verb: str,
    obj,
    *,
    actor=None,
    from_state: str = "",
    to_state: str = "",
    payload: dict | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction."""
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            created_at=timezone.now(),
            actor=actor if actor is not None and actor.pk else None,
            actor_label=_actor_label(actor),
            verb=verb,
            object_type=obj._meta.label,
            object_id=str(obj.pk),
            object_repr=str(obj)[:255],
            from_state=from_state,
            to_state=to_state,
            payload=payload or {},
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save()
        head.last_hash = event.hash
        head.save(update_fields=["last_hash"])
        event_recorded.send(AuditEvent, events=[event], objects=[obj])
    return event


def _actor_label(actor) -> str:
    if actor is None:
        return SYSTEM_ACTOR
    return getattr(actor, "email", None) or str(actor)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: AuditEvent | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain() -> ChainReport:
    """Walk the chain in order; report the first event whose link or content is wrong."""
    previous = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != previous:
            return ChainReport(checked, event, "le lien vers l'événement précédent est rompu")
        if event.compute_hash() != event.hash:
            return ChainReport(checked, event, "le contenu ne correspond plus à son empreinte")
        previous = event.hash
        checked += 1
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != previous:
        return ChainReport(checked, None, "")  # pragma: no cover - head is rewritten with events
    return ChainReport(checked, None)


def record_events(specs: list[dict], *, actor=None) -> int:
    """Append many events at once (bulk imports), chained in order, one lock, one insert.

    Each spec holds `verb`, `obj` and optionally `from_state`, `to_state`, `payload`.
    """
    if not specs:
        return 0
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        previous, now, events = head.last_hash, timezone.now(), []
        for spec in specs:
            obj = spec["obj"]
            event = AuditEvent(
                created_at=now,
                actor=actor if actor is not None and actor.pk else None,
                actor_label=_actor_label(actor),
                verb=spec["verb"],
                object_type=obj._meta.label,
                object_id=str(obj.pk),
                object_repr=str(obj)[:255],
                from_state=spec.get("from_state", ""),
                to_state=spec.get("to_state", ""),
                payload=spec.get("payload") or {},
                prev_hash=previous,
            )
            event.hash = previous = event.compute_hash()
            events.append(event)
        AuditEvent.objects.bulk_create(events, batch_size=500)
        head.last_hash = previous
        head.save(update_fields=["last_hash"])
        event_recorded.send(AuditEvent, events=events, objects=[spec["obj"] for spec in specs])
    return len(events)
