"""Demo of the machine API: the partner's CRM as an API client with a webhook subscription.

Created before the cohort, so that the partner's candidacies (registrations, state moves)
queue deliveries like any real event; a few are then attempted towards the demo receiver,
an address on this machine where nothing listens: they are logged as failed attempts with
their next retry (the worker of `make run` goes on retrying, then the subscription is
disabled after repeated failures and the e-mail goes to the console). No network leaves
the machine.
"""

from acquis.integrations import clients, webhooks
from acquis.integrations.enums import EventType, Scope
from acquis.integrations.models import ApiClient, WebhookDelivery

CLIENT_NAME = "CRM de Formation Plus Lyon"
# Port 9 (discard) on loopback: refused at once, nothing is sent anywhere.
DEMO_RECEIVER = "http://127.0.0.1:9/acquis/webhooks"
ATTEMPTED = 3


def ensure_client(certifier, partner, admin) -> ApiClient:
    client = ApiClient.objects.filter(certifier=certifier, name=CLIENT_NAME).first()
    if client is not None:
        return client
    client = clients.create_client(
        certifier=certifier,
        partner=partner,
        name=CLIENT_NAME,
        scopes=[
            Scope.REFERENTIALS_READ,
            Scope.CANDIDACIES_READ,
            Scope.CANDIDACIES_WRITE,
            Scope.PLACEMENTS_WRITE,
            Scope.DOCUMENTS_WRITE,
            Scope.SESSIONS_READ,
            Scope.RESULTS_READ,
        ],
        contact_email="informatique@formation-plus.demo",
        actor=admin,
    )
    clients.issue_token(client, actor=admin)  # its last use shows "jamais"
    webhooks.subscribe(
        client,
        url=DEMO_RECEIVER,
        events=[
            EventType.CANDIDACY_REGISTERED,
            EventType.CANDIDACY_STATUS_CHANGED,
            EventType.CONVOCATION_SENT,
            EventType.RESULTS_RELEASED,
            EventType.DECISION_SIGNED,
        ],
        actor=admin,
    )
    return client


def log_deliveries(client: ApiClient) -> None:
    """Attempt the first deliveries once (first build only): the log shows failures."""
    queued = WebhookDelivery.objects.filter(subscription__client=client, attempts=0)
    if WebhookDelivery.objects.filter(subscription__client=client, attempts__gt=0).exists():
        return
    for delivery in queued.order_by("pk")[:ATTEMPTED]:
        webhooks.deliver(delivery.pk)
