"""The API clients and webhook screens (/gestion/api/): a certifier's administrator only
(403 for the exam manager); another certifier's client or delivery is a 404; POST-only
URLs answer 405 to a GET once the administrator check passed. The API itself (/api/v1/)
authenticates by token: its own permission test is tests/api/test_permissions.py."""

from django.urls import reverse

from acquis.integrations import clients, webhooks
from acquis.integrations.enums import EventType, Scope
from acquis.integrations.models import WebhookDelivery
from tests.www.permissions.roles import PUBLIC, STAFF

ADMIN_ONLY = {**STAFF, "responsable_epreuves": 403}
ADMIN_OWN = {**ADMIN_ONLY, "admin_autre_certificateur": 404}
POST_ONLY = {
    **ADMIN_ONLY,
    "administrateur": 405,
    "admin_autre_certificateur": 405,
}


def extend_context(ctx) -> dict:
    admin = ctx["personas"]["administrateur"]
    certifier = admin.memberships.get().organisation
    client = clients.create_client(
        certifier=certifier, name="CRM", scopes=[Scope.CANDIDACIES_READ], actor=admin
    )
    token, _ = clients.issue_token(client, actor=admin)
    subscription = webhooks.subscribe(
        client,
        url="https://crm.example/hooks",
        events=[EventType.CANDIDACY_REGISTERED],
        actor=admin,
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event_type=EventType.CANDIDACY_REGISTERED,
        payload={"type": "candidacy.registered", "data": {}},
        status="failed",
    )
    return {
        "api_client": client,
        "api_token": token,
        "subscription": subscription,
        "delivery": delivery,
    }


def _url(name, key=None):
    return lambda ctx: reverse(name, args=[ctx[key].pk] if key else [])


ENTRIES = {
    "api_reference": (_url("api_reference"), PUBLIC),
    "api-v1:openapi-json": (_url("api-v1:openapi-json"), PUBLIC),
    "staff:api_clients": (_url("staff:api_clients"), ADMIN_ONLY),
    "staff:api_client_create": (_url("staff:api_client_create"), ADMIN_ONLY),
    "staff:api_client": (_url("staff:api_client", "api_client"), ADMIN_OWN),
    "staff:api_token_issue": (_url("staff:api_token_issue", "api_client"), POST_ONLY),
    "staff:api_client_revoke": (_url("staff:api_client_revoke", "api_client"), POST_ONLY),
    "staff:api_subscription_create": (
        _url("staff:api_subscription_create", "api_client"),
        POST_ONLY,
    ),
    "staff:api_token_revoke": (_url("staff:api_token_revoke", "api_token"), POST_ONLY),
    "staff:api_subscription_toggle": (
        _url("staff:api_subscription_toggle", "subscription"),
        POST_ONLY,
    ),
    "staff:webhook_deliveries": (_url("staff:webhook_deliveries"), ADMIN_ONLY),
    "staff:webhook_delivery": (_url("staff:webhook_delivery", "delivery"), ADMIN_OWN),
    "staff:webhook_replay": (_url("staff:webhook_replay", "delivery"), POST_ONLY),
}
