"""Throttles: counters of failed attempts (or requests) per scope and key, with a lock."""

from django.db import models


class Throttle(models.Model):
    """One counter: a scope ("login.account", "login.ip", ...) and a keyed digest.

    The key (an e-mail address, an IP address) is stored only as an HMAC keyed with
    SECRET_KEY: the table names nobody, yet the same key always finds its row.
    """

    scope = models.CharField("portée", max_length=40)
    key_digest = models.CharField("clé (empreinte)", max_length=64)
    window_start = models.DateTimeField("début de la fenêtre")
    count = models.PositiveIntegerField("tentatives", default=0)
    locked_until = models.DateTimeField("verrouillé jusqu'au", null=True, blank=True)

    class Meta:
        verbose_name = "limitation de tentatives"
        verbose_name_plural = "limitations de tentatives"
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key_digest"],
                name="unique_throttle_key",
                violation_error_message="Ce compteur existe déjà.",
            )
        ]
        indexes = [models.Index(fields=["locked_until"])]

    def __str__(self) -> str:
        return f"{self.scope} {self.key_digest[:12]}"
