"""Append-only, hash-chained audit log (conventions.md, "Where the rules live" §3).

Erasure-safe chain: the free-text fields that may name a person (the actor's label, the
object's label, the payload) are not hashed into the chain directly but through a *seal*:
SHA-256 of a random per-event salt followed by their canonical form. The chain hashes the
seal. Erasing a person (RGPD) blanks those fields and the salt of the events about them and
keeps the seal: every link still verifies, and without the salt the seal cannot be used to
confirm a guessed name. Erased events are listed by id in the erasure's own event, so that
a blanked event that no erasure accounts for is reported as tampering.
"""

import hashlib
import json
import secrets

from django.conf import settings
from django.db import models

GENESIS_HASH = "0" * 64


class AuditEventQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label, object_id=str(obj.pk))


class AuditEvent(models.Model):
    created_at = models.DateTimeField("date", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField("auteur (libellé)", max_length=255)
    verb = models.CharField("action", max_length=100, db_index=True)
    object_type = models.CharField("type d'objet", max_length=100)
    object_id = models.CharField("identifiant d'objet", max_length=64)
    object_repr = models.CharField("objet", max_length=255)
    from_state = models.CharField("état de départ", max_length=50, blank=True)
    to_state = models.CharField("état d'arrivée", max_length=50, blank=True)
    payload = models.JSONField("données", default=dict, blank=True)
    prev_hash = models.CharField("empreinte précédente", max_length=64)
    hash = models.CharField("empreinte", max_length=64, unique=True)
    seal = models.CharField("sceau des libellés et données", max_length=64, default="")
    seal_salt = models.CharField("sel du sceau", max_length=32, blank=True)
    erased_at = models.DateTimeField("effacé le (RGPD)", null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "événement d'audit"
        verbose_name_plural = "événements d'audit"
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.verb} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Un événement d'audit ne peut pas être modifié.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Un événement d'audit ne peut pas être supprimé.")

    def sealed_content(self) -> dict:
        """The fields that may name a person: hashed through the seal, erasable."""
        return {
            "actor_label": self.actor_label,
            "object_repr": self.object_repr,
            "payload": self.payload,
        }

    def compute_seal(self) -> str:
        return hashlib.sha256(
            self.seal_salt.encode("ascii") + _canonical(self.sealed_content())
        ).hexdigest()

    def seal_fields(self) -> None:
        """Draw the salt and compute the seal (before the hash, at creation)."""
        self.seal_salt = secrets.token_hex(16)
        self.seal = self.compute_seal()

    def content(self) -> dict:
        """The hashed content: the structural facts, the seal and the previous hash."""
        return {
            "created_at": self.created_at.isoformat(),
            "actor_id": self.actor_id,
            "verb": self.verb,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "seal": self.seal,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        return hashlib.sha256(_canonical(self.content())).hexdigest()


ERASED_LABEL = "[effacé]"


def _canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")


class ChainHead(models.Model):
    """Single row locked while appending, so that concurrent writers chain in order."""

    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = "tête de chaîne d'audit"

    def __str__(self) -> str:
        return self.last_hash


class AuditCheckpoint(models.Model):
    """A signed statement "the chain had N events ending with hash H" (truncation check).

    Signed with the installation's Ed25519 key (the badges' key); a checkpoint that names
    more events than the chain holds, or another hash at that position, proves that events
    were removed from the tail.
    """

    created_at = models.DateTimeField("date", db_index=True)
    event_count = models.PositiveBigIntegerField("nombre d'événements")
    last_event_id = models.PositiveBigIntegerField("dernier événement", null=True)
    head_hash = models.CharField("empreinte de tête", max_length=64)
    reason = models.CharField("motif", max_length=40)
    public_key = models.CharField("clé publique (multibase)", max_length=100)
    signature = models.CharField("signature Ed25519 (hex)", max_length=128)

    class Meta:
        verbose_name = "point de contrôle du journal d'audit"
        verbose_name_plural = "points de contrôle du journal d'audit"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} — {self.event_count} événement(s)"

    def statement(self) -> dict:
        """What the signature covers."""
        return {
            "created_at": self.created_at.isoformat(),
            "event_count": self.event_count,
            "last_event_id": self.last_event_id,
            "head_hash": self.head_hash,
            "reason": self.reason,
            "public_key": self.public_key,
        }

    def signed_bytes(self) -> bytes:
        return _canonical(self.statement())
