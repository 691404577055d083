"""Webhooks: dispatch from the domain's audited events, signature checked by independent
implementations (the `standardwebhooks` package and a plain HMAC written from the spec),
retries with backoff, automatic disabling with notification, replay."""

import base64
import hashlib
import hmac
import io
import json
import signal
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from standardwebhooks import Webhook

from acquis.candidates import services
from acquis.integrations import clients, webhooks
from acquis.integrations.enums import DeliveryStatus, EventType, Scope
from acquis.integrations.exceptions import IntegrationError
from acquis.integrations.models import WebhookDelivery
from tests import factories
from tests.api.receiver import Receiver
from tests.conftest import worker_on_postgresql

pytestmark = pytest.mark.django_db
CHANGED = EventType.CANDIDACY_STATUS_CHANGED


def _client(certifier, partner=None, scopes=(Scope.CANDIDACIES_READ,)):
    return clients.create_client(
        certifier=certifier,
        name="CRM",
        scopes=list(scopes),
        partner=partner,
        contact_email="tech@crm.example",
        actor=None,
    )


def _subscribe(client, url="http://127.0.0.1:9/ne-repond-pas", events=(CHANGED,)):
    return webhooks.subscribe(client, url=url, events=list(events), actor=None)


def _plain_hmac_valid(secret: str, headers: dict, body: bytes) -> bool:
    """Standard Webhooks, written from its specification (not from our signer)."""
    key = base64.b64decode(secret.split("_", 1)[1])
    content = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    offered = [s.split(",", 1)[1] for s in headers["webhook-signature"].split()]
    return any(hmac.compare_digest(expected, s) for s in offered)


def test_a_state_change_is_delivered_signed(certifier, ops_version):
    subscription = _subscribe(_client(certifier))
    candidacy = factories.candidacy(ops_version)
    services.move_candidacy(candidacy, "in_progress")
    delivery = WebhookDelivery.objects.get()
    assert delivery.event_type == CHANGED and delivery.status == DeliveryStatus.PENDING
    assert DBTaskResult.objects.filter(args_kwargs__args=[delivery.pk]).exists()
    with Receiver() as receiver:
        subscription.url = receiver.url
        subscription.save()
        assert webhooks.deliver(delivery.pk) == DeliveryStatus.SUCCEEDED
    headers, body = receiver.received[0]
    payload = Webhook(subscription.secret).verify(body, headers)
    assert payload["type"] == "candidacy.status_changed"
    assert (
        payload["data"].items()
        >= {
            "candidacy_id": candidacy.pk,
            "from_status": "registered",
            "status": "in_progress",
        }.items()
    )
    assert payload["data"]["ecosystem"]["wedof_event"] == "certificationFolder.registered"
    assert _plain_hmac_valid(subscription.secret, headers, body)
    assert not _plain_hmac_valid(subscription.secret, headers, body + b" ")
    assert abs(int(headers["webhook-timestamp"]) - timezone.now().timestamp()) < 60
    assert "birth_name" not in body.decode()  # identifiers and states only


def test_partners_receive_only_their_candidacies(
    certifier, other_certifier, ops_version, partner, other_partner
):
    partner.habilitation = "both"
    partner.save()
    mine = _subscribe(_client(certifier, partner))
    theirs = _subscribe(_client(certifier, other_partner))
    everyone = _subscribe(_client(certifier))
    elsewhere = _subscribe(_client(other_certifier))
    candidacy = factories.candidacy(ops_version, partner=partner)
    services.move_candidacy(candidacy, "in_progress")
    received = set(WebhookDelivery.objects.values_list("subscription", flat=True))
    assert received == {mine.pk, everyone.pk}
    assert theirs.pk not in received and elsewhere.pk not in received


def test_a_rolled_back_action_sends_nothing(certifier, ops_version):
    _subscribe(_client(certifier))
    candidacy = factories.candidacy(ops_version)
    with pytest.raises(Exception, match="motif"):
        services.move_candidacy(candidacy, "withdrawn", reason="")
    assert not WebhookDelivery.objects.exists()


def test_subscriptions_need_the_scope_of_their_events(certifier):
    client = _client(certifier, scopes=[Scope.CANDIDACIES_READ])
    with pytest.raises(IntegrationError, match="results:read"):
        _subscribe(client, events=[EventType.DECISION_SIGNED])
    with pytest.raises(IntegrationError, match="https"):
        webhooks.check_url("ftp://exemple.fr/x")


def test_failures_are_retried_with_backoff_then_fail(certifier, ops_version, settings):
    settings.ACQUIS_WEBHOOK_MAX_ATTEMPTS = 3
    settings.ACQUIS_WEBHOOK_RETRY_BASE_SECONDS = 30
    with Receiver() as receiver:
        receiver.statuses = [500, 503, 500]
        _subscribe(_client(certifier), url=receiver.url)
        services.move_candidacy(factories.candidacy(ops_version), "in_progress")
        delivery = WebhookDelivery.objects.get()
        before = timezone.now()
        assert webhooks.deliver(delivery.pk) == DeliveryStatus.RETRYING
        delivery.refresh_from_db()
        assert delivery.attempts == 1 and delivery.last_status_code == 500
        wait = (delivery.next_attempt_at - before).total_seconds()
        assert 29 <= wait <= 31
        retry = DBTaskResult.objects.filter(args_kwargs__args=[delivery.pk]).latest("enqueued_at")
        assert retry.run_after >= before + timedelta(seconds=29)
        webhooks.deliver(delivery.pk)
        delivery.refresh_from_db()
        assert 59 <= (delivery.next_attempt_at - timezone.now()).total_seconds() <= 61
        assert webhooks.deliver(delivery.pk) == DeliveryStatus.FAILED
    assert [a.status_code for a in delivery.log.all()] == [500, 503, 500]


def test_repeated_failures_disable_the_subscription_and_notify(certifier, ops_version, settings):
    settings.ACQUIS_WEBHOOK_DISABLE_AFTER = 2
    subscription = _subscribe(_client(certifier))  # port 9: connection refused
    candidacy = factories.candidacy(ops_version)
    services.move_candidacy(candidacy, "in_progress")
    services.move_candidacy(candidacy, "withdrawn", reason="Départ.")
    first, second = WebhookDelivery.objects.order_by("pk")
    webhooks.deliver(first.pk)
    with django_capture_on_commit():
        webhooks.deliver(second.pk)
    subscription.refresh_from_db()
    assert not subscription.active and "2 échecs" in subscription.disabled_reason
    first.refresh_from_db()
    assert first.status == DeliveryStatus.CANCELLED  # its retry will not be sent
    assert mail.outbox and "tech@crm.example" in mail.outbox[0].to
    assert "désactivé" in mail.outbox[0].subject
    with pytest.raises(IntegrationError, match="réactivez"):
        webhooks.replay(first, actor=None)
    webhooks.enable(subscription, actor=None)
    subscription.refresh_from_db()
    with Receiver() as receiver:
        subscription.url = receiver.url
        subscription.save()
        webhooks.replay(first, actor=None)
        assert webhooks.deliver(first.pk, replay=True) == DeliveryStatus.SUCCEEDED
    assert first.log.filter(replay=True).count() == 1


def django_capture_on_commit():
    """Run the on_commit callbacks of the block (the test holds one transaction)."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


@worker_on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_database_worker_delivers(certifier, ops_version):
    with Receiver() as receiver:
        subscription = _subscribe(_client(certifier), url=receiver.url)
        services.move_candidacy(factories.candidacy(ops_version), "in_progress")
        handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            call_command(
                "db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO()
            )
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    headers, body = receiver.received[0]
    assert Webhook(subscription.secret).verify(body, headers)["data"]["status"] == "in_progress"
    assert json.loads(body)["type"] == "candidacy.status_changed"
