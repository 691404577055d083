"""Signed checkpoints of the audit chain: deleting the last events becomes detectable.

The chain alone proves that no event was changed or removed *between* two others; removing
the tail (and rewriting the head row) leaves a shorter chain that still verifies. A
checkpoint states "the chain had N events, the last one with hash H", signed with the
installation's Ed25519 key (the key that signs the badges, `credentials.badges.
signing_key`: no new key to manage). `verify_against_checkpoint` then checks that the
chain still holds event N with hash H.

Checkpoints are written on every PV signature (the moment a decision becomes a legal
record) and daily by the maintenance task (`acquis.audit.maintenance`), and exported as JSON
(`acquis audit checkpoints --export FILE`) so that a copy lives outside the database: a
checkpoint row deleted together with the tail is caught by comparing with the copy, or by
the age of the latest checkpoint (`ACQUIS_AUDIT_CHECKPOINT_MAX_AGE_HOURS`).
"""

import json
from dataclasses import dataclass
from datetime import timedelta

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from acquis.audit.models import AuditCheckpoint, AuditEvent, ChainHead
from acquis.audit.services import verify_chain
from acquis.credentials import badges
from acquis.errors import AcquisError


class CheckpointError(AcquisError):
    """A checkpoint that cannot be written or does not hold (French message)."""


def _key():
    try:
        return badges.signing_key()
    except badges.BadgeError as exc:
        raise CheckpointError(f"Point de contrôle impossible : {exc.message}") from exc


def _public_multibase(public_key) -> str:
    return badges.public_multibase(public_key)


def write_checkpoint(reason: str) -> AuditCheckpoint:
    """Sign the current head of the chain (inside the caller's transaction, head locked)."""
    key = _key()
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        last = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
        checkpoint = AuditCheckpoint(
            created_at=timezone.now(),
            event_count=AuditEvent.objects.count(),
            last_event_id=last[0] if last else None,
            head_hash=head.last_hash,
            reason=reason[:40],
            public_key=_public_multibase(key.public_key()),
        )
        checkpoint.signature = key.sign(checkpoint.signed_bytes()).hex()
        checkpoint.save()
    return checkpoint


def checkpoint_on_commit(reason: str) -> None:
    """Write a checkpoint once the caller's transaction is committed (PV signature): a
    missing key never refuses the signature itself."""

    def write():
        try:
            write_checkpoint(reason)
        except CheckpointError:
            pass  # reported by `acquis audit verify` (no recent checkpoint)

    transaction.on_commit(write)


def signature_ok(checkpoint: AuditCheckpoint) -> bool:
    try:
        public = _public_from_multibase(checkpoint.public_key)
        public.verify(bytes.fromhex(checkpoint.signature), checkpoint.signed_bytes())
    except (InvalidSignature, ValueError):
        return False
    return True


def _public_from_multibase(value: str) -> Ed25519PublicKey:
    raw = base58.b58decode(value[1:]) if value.startswith("z") else b""
    if len(raw) != 34 or raw[:2] != b"\xed\x01":  # multicodec ed25519-pub
        raise ValueError("not an Ed25519 public key")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


@dataclass(frozen=True)
class CheckpointReport:
    ok: bool
    message: str
    checkpoint: AuditCheckpoint | None = None
    warnings: tuple[str, ...] = ()


def verify_against_checkpoint(checkpoint: AuditCheckpoint | None = None) -> CheckpointReport:
    """The chain verifies and still holds what the (latest) checkpoint signed."""
    chain = verify_chain()
    if not chain.ok:
        event = chain.broken_at
        where = f"à l'événement n° {event.pk} ({event.verb})" if event else ""
        return CheckpointReport(False, f"Chaîne rompue {where} : {chain.reason}.")
    checkpoint = checkpoint or AuditCheckpoint.objects.order_by("-id").first()
    if checkpoint is None:
        return CheckpointReport(
            True,
            f"Chaîne d'audit intègre : {chain.checked} événement(s) vérifié(s).",
            warnings=("Aucun point de contrôle signé : une troncature ne serait pas vue.",),
        )
    problem = _checkpoint_problem(checkpoint, chain)
    if problem:
        return CheckpointReport(False, problem, checkpoint)
    warnings = []
    max_age = timedelta(hours=settings.ACQUIS_AUDIT_CHECKPOINT_MAX_AGE_HOURS)
    if timezone.now() - checkpoint.created_at > max_age:
        warnings.append(
            f"Le dernier point de contrôle date du {_when(checkpoint)} : le processus de "
            "traitement tourne-t-il ? (un point de contrôle supprimé se voit aussi ainsi)"
        )
    return CheckpointReport(
        True,
        f"Chaîne d'audit intègre : {chain.checked} événement(s) vérifié(s), conforme au point "
        f"de contrôle signé du {timezone.localtime(checkpoint.created_at):%d/%m/%Y à %H:%M} "
        f"({checkpoint.event_count} événement(s)).",
        checkpoint,
        tuple(warnings),
    )


def _when(checkpoint: AuditCheckpoint) -> str:
    return f"{timezone.localtime(checkpoint.created_at):%d/%m/%Y à %H:%M}"


def _checkpoint_problem(checkpoint: AuditCheckpoint, chain) -> str:
    if not signature_ok(checkpoint):
        return (
            f"Le point de contrôle n° {checkpoint.pk} a une signature invalide : il a été "
            "modifié ou fabriqué."
        )
    if not _is_installation_key(checkpoint.public_key):
        return (
            f"Le point de contrôle n° {checkpoint.pk} est signé par une autre clé que celle "
            "de l'installation."
        )
    if checkpoint.event_count == 0:
        return ""
    at = AuditEvent.objects.filter(pk=checkpoint.last_event_id).values_list("hash", flat=True)
    count = AuditEvent.objects.filter(pk__lte=checkpoint.last_event_id).count()
    if chain.checked < checkpoint.event_count or not at or count != checkpoint.event_count:
        return (
            f"Journal tronqué : le point de contrôle signé du "
            f"{timezone.localtime(checkpoint.created_at):%d/%m/%Y à %H:%M} atteste "
            f"{checkpoint.event_count} événement(s) jusqu'au n° {checkpoint.last_event_id}, la "
            f"chaîne n'en a plus que {count if at else chain.checked} jusque-là."
        )
    if at[0] != checkpoint.head_hash:
        return (
            f"L'événement n° {checkpoint.last_event_id} n'a plus l'empreinte attestée par le "
            "point de contrôle signé : la fin du journal a été réécrite."
        )
    return ""


def _is_installation_key(public_key: str) -> bool:
    try:
        return _public_multibase(_key().public_key()) == public_key
    except CheckpointError:
        return True  # no key here to compare with: the signature alone is checked


# --- export / import (a copy outside the database) -----------------------------------------


def export_checkpoints() -> str:
    rows = [c.statement() | {"signature": c.signature} for c in AuditCheckpoint.objects.all()]
    return json.dumps({"checkpoints": rows}, ensure_ascii=False, indent=2)


def load_exported(text: str) -> AuditCheckpoint:
    """The latest checkpoint of an exported file, as an unsaved row (French error if bad)."""
    try:
        rows = json.loads(text)["checkpoints"]
        row = rows[-1]
        checkpoint = AuditCheckpoint(
            created_at=parse_datetime(row["created_at"]),
            event_count=int(row["event_count"]),
            last_event_id=row["last_event_id"],
            head_hash=str(row["head_hash"]),
            reason=str(row["reason"]),
            public_key=str(row["public_key"]),
            signature=str(row["signature"]),
        )
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise CheckpointError(
            "Fichier de points de contrôle illisible : JSON exporté par « acquis audit "
            "checkpoints --export » attendu."
        ) from exc
    if checkpoint.created_at is None:
        raise CheckpointError("Fichier de points de contrôle : date illisible.")
    return checkpoint
