"""Append-only, hash-chained audit log (conventions.md, "Where the rules live" §3)."""

import hashlib
import json

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

    def content(self) -> dict:
        """The hashed content: every field except the hash itself."""
        return {
            "created_at": self.created_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "verb": self.verb,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "payload": self.payload,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(self.content(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ChainHead(models.Model):
    """Single row locked while appending, so that concurrent writers chain in order."""

    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = "tête de chaîne d'audit"

    def __str__(self) -> str:
        return self.last_hash
