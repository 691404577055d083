"""API clients and their tokens, idempotency records, webhook subscriptions and deliveries."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from acquis.integrations.enums import DeliveryStatus


class ApiClientQuerySet(models.QuerySet):
    def for_certifiers(self, certifiers):
        return self.filter(certifier__in=certifiers)

    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiClient(models.Model):
    """A partner's or certifier's system: its scopes, and (for a partner) its organisation."""

    certifier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        related_name="api_clients",
    )
    partner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="organisme partenaire",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_api_clients",
        help_text="Un client d'organisme partenaire ne voit et n'écrit que ses candidatures.",
    )
    name = models.CharField("nom", max_length=120)
    contact_email = models.EmailField(
        "courriel du contact technique",
        blank=True,
        help_text="Prévenu quand un abonnement aux événements est désactivé.",
    )
    scopes = models.JSONField("droits", default=list)
    expires_at = models.DateTimeField("expire le", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créé par",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("créé le", default=timezone.now)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    rate_limit = models.PositiveIntegerField(
        "requêtes par minute", null=True, blank=True, help_text="Vide : la limite par défaut."
    )

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        verbose_name = "client de l'API"
        verbose_name_plural = "clients de l'API"
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class ApiToken(models.Model):
    """A bearer token: only its SHA-256 is kept (the token itself is shown once)."""

    client = models.ForeignKey(
        ApiClient, verbose_name="client", on_delete=models.PROTECT, related_name="tokens"
    )
    prefix = models.CharField("préfixe", max_length=16, unique=True)
    digest = models.CharField("empreinte SHA-256", max_length=64)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créé par",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta:
        verbose_name = "jeton d'accès"
        verbose_name_plural = "jetons d'accès"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"acq_{self.prefix}_…"


class IdempotencyRecord(models.Model):
    """The response to a POST carrying an Idempotency-Key, replayed when it is retried."""

    client = models.ForeignKey(
        ApiClient, verbose_name="client", on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField("clé", max_length=255)
    fingerprint = models.CharField("empreinte de la requête", max_length=64)
    status_code = models.PositiveSmallIntegerField("code de réponse")
    body = models.BinaryField("corps de la réponse")
    headers = models.JSONField("en-têtes", default=dict)
    created_at = models.DateTimeField("reçue le", default=timezone.now)

    class Meta:
        verbose_name = "clé d'idempotence"
        verbose_name_plural = "clés d'idempotence"
        constraints = [
            models.UniqueConstraint(
                fields=["client", "key"],
                name="unique_idempotency_key",
                violation_error_message="Cette clé d'idempotence a déjà servi.",
            )
        ]

    def __str__(self) -> str:
        return self.key


class WebhookSubscription(models.Model):
    client = models.ForeignKey(
        ApiClient, verbose_name="client", on_delete=models.PROTECT, related_name="subscriptions"
    )
    url = models.URLField("adresse de réception", max_length=500)
    events = models.JSONField("événements", default=list)
    secret = models.CharField("secret de signature", max_length=100)
    active = models.BooleanField("active", default=True)
    consecutive_failures = models.PositiveIntegerField("échecs consécutifs", default=0)
    disabled_at = models.DateTimeField("désactivé le", null=True, blank=True)
    disabled_reason = models.CharField("motif de la désactivation", max_length=255, blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        verbose_name = "abonnement aux événements"
        verbose_name_plural = "abonnements aux événements"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one subscription; its attempts are logged (WebhookAttempt)."""

    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name="abonnement",
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    event_id = models.UUIDField("identifiant de l'événement", default=uuid.uuid4, unique=True)
    event_type = models.CharField("événement", max_length=40)
    payload = models.JSONField("contenu")
    status = models.CharField(
        "état", max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("essais", default=0)
    next_attempt_at = models.DateTimeField("prochain essai", null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField("dernier code HTTP", null=True, blank=True)
    last_error = models.CharField("dernière erreur", max_length=500, blank=True)
    created_at = models.DateTimeField("créée le", default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField("remise le", null=True, blank=True)

    class Meta:
        verbose_name = "livraison d'événement"
        verbose_name_plural = "livraisons d'événements"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.subscription}"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(
        WebhookDelivery, verbose_name="livraison", on_delete=models.CASCADE, related_name="log"
    )
    attempted_at = models.DateTimeField("essayée le")
    status_code = models.PositiveSmallIntegerField("code HTTP", null=True, blank=True)
    error = models.CharField("erreur", max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField("durée (ms)", default=0)
    replay = models.BooleanField("renvoi manuel", default=False)

    class Meta:
        verbose_name = "essai de livraison"
        verbose_name_plural = "essais de livraison"
        ordering = ["attempted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.attempted_at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"
