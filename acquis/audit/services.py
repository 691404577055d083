"""Verbs of the audit log: record an event, verify the chain."""

from dataclasses import dataclass

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from acquis.audit.models import ERASED_LABEL, GENESIS_HASH, AuditEvent, ChainHead

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
    object_repr: str | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    `object_repr` replaces `str(obj)` where the object's name must not be written (an RGPD
    erasure names no one)."""
    # No savepoint: the event is part of the caller's action, and an event that cannot be
    # appended fails the whole action (two statements less for every audited change).
    with transaction.atomic(savepoint=False):
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            created_at=timezone.now(),
            actor=actor if actor is not None and actor.pk else None,
            actor_label=_actor_label(actor),
            verb=verb,
            object_type=obj._meta.label,
            object_id=str(obj.pk),
            object_repr=(str(obj) if object_repr is None else object_repr)[:255],
            from_state=from_state,
            to_state=to_state,
            payload=payload or {},
            prev_hash=head.last_hash,
        )
        event.seal_fields()
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
    last_hash: str = GENESIS_HASH
    last_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.reason


ERASURE_VERB = "rgpd.erased"


def verify_chain() -> ChainReport:
    """Walk the chain in order; report the first event whose link, seal or content is wrong.

    An erased event (RGPD) has no salt left: its seal cannot be recomputed, but its fields
    must be blank and an erasure event must list it; otherwise someone blanked it by hand.
    """
    previous, checked, last_id = GENESIS_HASH, 0, None
    erased, accounted = {}, set()
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != previous:
            return ChainReport(checked, event, "le lien vers l'événement précédent est rompu")
        if event.seal_salt:
            if event.compute_seal() != event.seal:
                return ChainReport(checked, event, "les libellés ou données ne correspondent plus")
        elif event.payload or event.actor_label != ERASED_LABEL:
            return ChainReport(checked, event, "l'événement est effacé mais pas vidé")
        else:
            erased[event.pk] = event
        if event.compute_hash() != event.hash:
            return ChainReport(checked, event, "le contenu ne correspond plus à son empreinte")
        if event.verb == ERASURE_VERB:
            accounted.update(event.payload.get("audit_events", []))
        previous, last_id = event.hash, event.pk
        checked += 1
    unaccounted = sorted(set(erased) - accounted)
    if unaccounted:
        return ChainReport(
            checked,
            erased[unaccounted[0]],
            "l'événement a été vidé sans qu'un effacement RGPD l'enregistre",
        )
    return ChainReport(checked, None, last_hash=previous, last_id=last_id)


def erase_events(events) -> list[int]:
    """Blank the sealed fields of these events (RGPD erasure); the chain still verifies.

    The one place that changes an event after its creation: a queryset update (the model
    refuses save()), inside the caller's transaction. Returns the erased ids, which the
    caller records in its erasure event (`ERASURE_VERB`, payload "audit_events").
    """
    ids = sorted(
        AuditEvent.objects.filter(pk__in=[e.pk for e in events], erased_at__isnull=True)
        .exclude(seal_salt="")
        .exclude(verb=ERASURE_VERB)  # the erasure's own record stays whole
        .values_list("pk", flat=True)
    )
    AuditEvent.objects.filter(pk__in=ids).update(
        actor_label=ERASED_LABEL,
        object_repr=ERASED_LABEL,
        payload={},
        seal_salt="",
        erased_at=timezone.now(),
    )
    return ids


def record_events(specs: list[dict], *, actor=None) -> int:
    """Append many events at once (bulk imports), chained in order, one lock, one insert.

    Each spec holds `verb`, `obj` and optionally `from_state`, `to_state`, `payload`.
    """
    if not specs:
        return 0
    with transaction.atomic(savepoint=False):
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
            event.seal_fields()
            event.hash = previous = event.compute_hash()
            events.append(event)
        AuditEvent.objects.bulk_create(events, batch_size=500)
        head.last_hash = previous
        head.save(update_fields=["last_hash"])
        event_recorded.send(AuditEvent, events=events, objects=[spec["obj"] for spec in specs])
    return len(events)
