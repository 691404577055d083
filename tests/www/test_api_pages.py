"""The API clients and webhook screens: create a client (token shown once), revoke, subscribe
(secret shown once), the delivery log and its replay."""

import pytest
from django.urls import reverse

from acquis.integrations import clients, webhooks
from acquis.integrations.enums import DeliveryStatus, EventType
from acquis.integrations.models import ApiClient, ApiToken, WebhookDelivery
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, personas):
    client.login(email=personas["administrateur"].email, password=PASSWORD)
    return client


def test_a_client_is_created_with_a_token_shown_once(admin_client, partner):
    response = admin_client.post(
        reverse("staff:api_client_create"),
        {"name": "CRM Formation Plus", "partner": partner.pk, "scopes": ["candidacies:read"]},
        follow=True,
    )
    client = ApiClient.objects.get()
    assert client.partner == partner and client.scopes == ["candidacies:read"]
    page = response.content.decode()
    token = page.split('id="new-token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    assert token.startswith("acq_") and clients.authenticate(token).client == client
    again = admin_client.get(reverse("staff:api_client", args=[client.pk])).content.decode()
    assert token not in again and 'id="new-token"' not in again
    assert token not in ApiToken.objects.get().digest


def test_bad_input_is_explained_beside_the_field(admin_client):
    response = admin_client.post(reverse("staff:api_client_create"), {"name": ""})
    assert response.status_code == 200
    assert not ApiClient.objects.exists()
    assert "Ce champ est obligatoire." in response.content.decode()


def test_subscription_secret_shown_once_and_token_revoked(admin_client, personas, certifier):
    client = clients.create_client(
        certifier=certifier, name="CRM", scopes=["candidacies:read"], actor=None
    )
    token, _ = clients.issue_token(client, actor=None)
    url = reverse("staff:api_subscription_create", args=[client.pk])
    refused = admin_client.post(
        url, {"url": "https://crm.example/h", "events": ["decision.signed"]}
    )
    assert refused.status_code == 400 and "results:read" in refused.content.decode()
    done = admin_client.post(
        url, {"url": "https://crm.example/h", "events": ["candidacy.registered"]}, follow=True
    )
    assert client.subscriptions.get().secret in done.content.decode()
    admin_client.post(reverse("staff:api_token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_log_shows_a_delivery_and_replays_it(admin_client, certifier):
    client = clients.create_client(
        certifier=certifier, name="CRM", scopes=["candidacies:read"], actor=None
    )
    subscription = webhooks.subscribe(
        client, url="https://crm.example/h", events=[EventType.CANDIDACY_REGISTERED], actor=None
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event_type=EventType.CANDIDACY_REGISTERED,
        payload={"type": "candidacy.registered", "data": {"candidacy_id": 7}},
        status=DeliveryStatus.FAILED,
        attempts=8,
    )
    listing = admin_client.get(reverse("staff:webhook_deliveries"), {"etat": "failed"})
    assert "candidacy.registered" in listing.content.decode()
    page = admin_client.get(reverse("staff:webhook_delivery", args=[delivery.pk]))
    assert "&quot;candidacy_id&quot;:7" in page.content.decode()
    admin_client.post(reverse("staff:webhook_replay", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
