"""Webhook subscriptions and deliveries: subscribe, queue, deliver, retry, replay, disable.

Delivery (`deliver`, run by the worker through the task `deliver_webhook`): one signed POST
(signing.py) with a short timeout and no redirect followed; a 2xx answer is a success,
anything else a failed attempt, logged (`WebhookAttempt`). A failed attempt is tried again
later with exponential backoff (ACQUIS_WEBHOOK_RETRY_BASE_SECONDS × 2^(attempt−1)) up to
ACQUIS_WEBHOOK_MAX_ATTEMPTS; then the delivery has failed for good (the staff may replay
it). ACQUIS_WEBHOOK_DISABLE_AFTER failed attempts in a row, on any of its deliveries,
disable the subscription (its pending deliveries are cancelled) and e-mail the client's
technical contact and the certifier's administrators; a success resets the count.
"""

import ipaddress
import json
import logging
import socket
import time
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.functional import cached_property
from django_tasks import task

from acquis.audit.services import record_event
from acquis.emails.enums import EmailKind
from acquis.emails.services import send_email
from acquis.integrations import signing
from acquis.integrations.enums import EVENT_SCOPES, DeliveryStatus, EventType
from acquis.integrations.exceptions import IntegrationError
from acquis.integrations.models import (
    ApiClient,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from acquis.organisations.enums import Role

logger = logging.getLogger(__name__)
D = DeliveryStatus
USER_AGENT = "Acquis-Webhooks/1"


# --- subscriptions ------------------------------------------------------------------------


def check_url(url: str) -> None:
    """HTTPS only (plain HTTP when ACQUIS_WEBHOOK_ALLOW_HTTP: development and tests)."""
    parts = urlsplit(url or "")
    allowed = ("https", "http") if settings.ACQUIS_WEBHOOK_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise IntegrationError(
            "Adresse de réception invalide : une adresse https:// complète est attendue.",
            {"url": "Adresse https:// attendue."},
        )
    if parts.username or parts.password:
        raise IntegrationError(
            "L'adresse de réception ne doit pas contenir d'identifiants.",
            {"url": "Sans identifiant ni mot de passe."},
        )


@transaction.atomic
def subscribe(client: ApiClient, *, url: str, events: list[str], actor) -> WebhookSubscription:
    """A new subscription; its signing secret is on the returned row (shown to the admin)."""
    check_url(url)
    if not events:
        raise IntegrationError("Choisissez au moins un événement.", {"events": "Aucun choisi."})
    unknown = [e for e in events if e not in EventType.values]
    if unknown:
        raise IntegrationError(
            f"Événement(s) inconnu(s) : {', '.join(unknown)}.", {"events": "Inconnu."}
        )
    missing = sorted({EVENT_SCOPES[e] for e in events} - set(client.scopes))
    if missing:
        raise IntegrationError(
            "Ce client n'a pas les droits de lire ces événements : "
            f"il lui faut {', '.join(missing)}.",
            {"events": f"Droits insuffisants : il faut {', '.join(missing)}."},
        )
    if not client.is_usable():
        raise IntegrationError("Ce client est révoqué ou expiré.")
    subscription = WebhookSubscription.objects.create(
        client=client,
        url=url,
        events=sorted(set(events), key=EventType.values.index),
        secret=signing.new_secret(),
    )
    record_event(
        "webhook.subscribed",
        client,
        actor=actor,
        payload={"subscription": subscription.pk, "url": url, "events": subscription.events},
    )
    return subscription


@transaction.atomic
def disable(subscription: WebhookSubscription, *, reason: str, actor=None) -> None:
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    if not subscription.active:
        raise IntegrationError("Cet abonnement est déjà désactivé.")
    _disable(subscription, reason, actor=actor)


def _disable(subscription: WebhookSubscription, reason: str, *, actor=None) -> None:
    subscription.active = False
    subscription.disabled_at = timezone.now()
    subscription.disabled_reason = reason[:255]
    subscription.save(update_fields=["active", "disabled_at", "disabled_reason"])
    subscription.deliveries.filter(status__in=[D.PENDING, D.RETRYING]).update(
        status=D.CANCELLED, next_attempt_at=None
    )
    record_event(
        "webhook.disabled",
        subscription.client,
        actor=actor,
        payload={"subscription": subscription.pk, "reason": reason},
    )


@transaction.atomic
def enable(subscription: WebhookSubscription, *, actor) -> WebhookSubscription:
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.active:
        raise IntegrationError("Cet abonnement est déjà actif.")
    if not subscription.client.is_usable():
        raise IntegrationError("Le client de cet abonnement est révoqué ou expiré.")
    subscription.active = True
    subscription.consecutive_failures = 0
    subscription.disabled_at = None
    subscription.disabled_reason = ""
    subscription.save()
    record_event(
        "webhook.enabled",
        subscription.client,
        actor=actor,
        payload={"subscription": subscription.pk},
    )
    return subscription


# --- queueing (called by dispatch.py inside the domain's transaction) ------------------------


class SubscriptionIndex:
    """The active subscriptions of usable clients, read once per batch of audit events.

    First the events that active subscriptions ask for (one table, no join); the
    subscriptions and their clients only when the batch holds one of these events. Most
    audited actions are asked for by no one, and every audited action builds an index."""

    def __init__(self):
        self.kinds = {
            kind
            for events in WebhookSubscription.objects.filter(active=True).values_list(
                "events", flat=True
            )
            for kind in events
        }

    @cached_property
    def rows(self) -> list[WebhookSubscription]:
        return list(
            WebhookSubscription.objects.filter(active=True)
            .filter(client__in=ApiClient.objects.usable())
            .select_related("client")
        )

    def any_for(self, kind: str) -> bool:
        return kind in self.kinds and any(kind in s.events for s in self.rows)

    def matching(self, kind: str, subject):
        for subscription in self.rows:
            client = subscription.client
            if (
                kind in subscription.events
                and client.certifier_id == subject.certifier_id
                and client.has_scope(EVENT_SCOPES[kind])
                and (client.partner_id is None or client.partner_id in subject.partner_ids)
            ):
                yield subscription


def queue_delivery(subscription, kind: str, event, data: dict) -> WebhookDelivery:
    delivery = WebhookDelivery(subscription=subscription, event_type=kind)
    delivery.payload = {
        "type": kind,
        "timestamp": event.created_at.isoformat(),
        "data": data,
    }
    delivery.save()
    _enqueue(delivery)
    return delivery


def _enqueue(delivery: WebhookDelivery, run_after=None) -> None:
    # The database backend writes the task row in the caller's transaction: the delivery and
    # its task commit (or roll back) together.
    delivery.next_attempt_at = run_after or timezone.now()
    delivery.save(update_fields=["next_attempt_at"])
    planned = deliver_webhook.using(run_after=run_after) if run_after else deliver_webhook
    planned.enqueue(delivery.pk)


# --- delivering (the worker) -----------------------------------------------------------------


@task()
def deliver_webhook(delivery_id: int) -> str:
    """The background task of one delivery attempt (run by `acquis db_worker`)."""
    return deliver(delivery_id)


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(
        delivery.payload, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer like any other non-2xx: not followed


_opener = urllib.request.build_opener(_NoRedirect)


def _refuse_private(url: str) -> None:
    """No delivery to this installation's own network (server-side request forgery)."""
    if settings.ACQUIS_WEBHOOK_ALLOW_PRIVATE:
        return
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError as exc:
        raise ConnectionError(f"nom d'hôte introuvable ({host})") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise ConnectionError(f"adresse non publique refusée ({address})")


def _post(url: str, body: bytes, headers: dict) -> int:
    _refuse_private(url)
    request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310 - checked URL
    for name, value in headers.items():
        request.add_header(name, value)
    try:
        with _opener.open(request, timeout=settings.ACQUIS_WEBHOOK_TIMEOUT) as response:
            response.read(1024)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def deliver(delivery_id: int, *, replay: bool = False) -> str:
    """One attempt: POST, log it, then success, retry later, or fail (see the module doc)."""
    delivery = WebhookDelivery.objects.select_related("subscription__client").get(pk=delivery_id)
    subscription = delivery.subscription
    if delivery.status in (D.SUCCEEDED, D.FAILED, D.CANCELLED) and not replay:
        return delivery.status  # a task left over (replayed meanwhile): nothing to do
    if not subscription.active and not replay:
        _finish(delivery, D.CANCELLED)
        return D.CANCELLED
    body = body_of(delivery)
    now = timezone.now()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **signing.headers(subscription.secret, str(delivery.event_id), int(now.timestamp()), body),
    }
    started = time.monotonic()
    status_code, error = None, ""
    try:
        status_code = _post(subscription.url, body, headers)
    except (OSError, ValueError) as exc:  # refused, timeout, DNS, TLS…
        error = str(getattr(exc, "reason", None) or exc)[:500] or exc.__class__.__name__
    elapsed = int((time.monotonic() - started) * 1000)
    ok = status_code is not None and 200 <= status_code < 300
    if not ok and not error:
        error = f"réponse HTTP {status_code}"
    return _record_attempt(delivery.pk, now, status_code, error, elapsed, ok=ok, replay=replay)


@transaction.atomic
def _record_attempt(delivery_id, now, status_code, error, elapsed, *, ok, replay) -> str:
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
    subscription = WebhookSubscription.objects.select_for_update().get(pk=delivery.subscription_id)
    WebhookAttempt.objects.create(
        delivery=delivery,
        attempted_at=now,
        status_code=status_code,
        error=error,
        duration_ms=elapsed,
        replay=replay,
    )
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_error = error
    if ok:
        delivery.delivered_at = now
        subscription.consecutive_failures = 0
        subscription.save(update_fields=["consecutive_failures"])
        _finish(delivery, D.SUCCEEDED)
        return D.SUCCEEDED
    subscription.consecutive_failures += 1
    subscription.save(update_fields=["consecutive_failures"])
    if replay or delivery.attempts >= settings.ACQUIS_WEBHOOK_MAX_ATTEMPTS:
        _finish(delivery, D.FAILED)
    else:
        delay = settings.ACQUIS_WEBHOOK_RETRY_BASE_SECONDS * 2 ** (delivery.attempts - 1)
        delivery.status = D.RETRYING
        delivery.save()
        _enqueue(delivery, run_after=now + timedelta(seconds=delay))
    if subscription.active and (
        subscription.consecutive_failures >= settings.ACQUIS_WEBHOOK_DISABLE_AFTER
    ):
        reason = f"{subscription.consecutive_failures} échecs de livraison consécutifs."
        _disable(subscription, reason)
        transaction.on_commit(lambda: notify_disabled(subscription))
    return delivery.status


def _finish(delivery: WebhookDelivery, status: str) -> None:
    delivery.status = status
    delivery.next_attempt_at = None
    delivery.save()


def notify_disabled(subscription: WebhookSubscription) -> None:
    client = subscription.client
    admins = client.certifier.memberships.filter(role=Role.ADMIN, user__is_active=True)
    recipients = sorted(
        {client.contact_email} - {""} | set(admins.values_list("user__email", flat=True))
    )
    if not recipients:
        return
    body = (
        f"Bonjour,\n\nL'abonnement aux événements du client de l'API « {client.name} » vers "
        f"{subscription.url} a été désactivé : {subscription.disabled_reason}\n"
        "Les événements suivants ne lui seront plus envoyés. Une fois l'adresse de réception "
        "réparée, un administrateur du certificateur peut le réactiver et renvoyer les "
        f"livraisons en échec depuis {settings.SITE_URL}/gestion/api/livraisons/.\n\n— Acquis\n"
    )
    for recipient in recipients:  # the disabling stands; a failed send shows in the log
        send_email(
            kind=EmailKind.WEBHOOK_DISABLED,
            to=recipient,
            subject=f"Acquis : abonnement aux événements désactivé ({client.name})",
            body=body,
            certifier=client.certifier,
        )


@transaction.atomic
def replay(delivery: WebhookDelivery, *, actor) -> WebhookDelivery:
    """Send a delivery again now (staff): queued for the worker, logged as a replay."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status in (D.PENDING, D.RETRYING):
        raise IntegrationError("Cette livraison est déjà en attente d'envoi.")
    if not delivery.subscription.active:
        raise IntegrationError(
            "L'abonnement de cette livraison est désactivé : réactivez-le avant de la renvoyer."
        )
    delivery.status = D.PENDING
    delivery.save(update_fields=["status"])
    record_event(
        "webhook.replayed",
        delivery.subscription.client,
        actor=actor,
        payload={"delivery": delivery.pk, "event": str(delivery.event_id)},
    )
    replay_webhook.enqueue(delivery.pk)
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["next_attempt_at"])
    return delivery


@task()
def replay_webhook(delivery_id: int) -> str:
    return deliver(delivery_id, replay=True)
