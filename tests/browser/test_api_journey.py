"""The administrator creates an API client (its token shown once), subscribes it to events,
the client's system registers a candidate through the API, the delivery shows in the log
and is replayed (Chromium, axe-core on each page)."""

import json
import urllib.request

import pytest

from acquis.integrations import webhooks
from acquis.integrations.enums import DeliveryStatus
from acquis.integrations.models import WebhookDelivery
from tests import factories
from tests.api.receiver import Receiver
from tests.browser.conftest import assert_accessible
from tests.browser.test_invitation_journey import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _register(base, token, version) -> int:
    body = {
        "candidate": factories.identity(birth_date="1990-02-03") | {"birth_date": "1990-02-03"},
        "version_id": version.pk,
        "pathway": "free",
    }
    request = urllib.request.Request(  # noqa: S310 - the live server on loopback
        f"{base}/api/v1/candidacies",
        data=json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": "parcours-1",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310
        return response.status


def test_admin_creates_a_client_sees_a_delivery_and_replays_it(
    page, live_server, personas, ops_version
):
    page.goto(live_server.url + "/gestion/api/")
    log_in(page, personas["administrateur"].email, PASSWORD)
    page.get_by_role("heading", level=1, name="API et webhooks").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Créer un client de l'API").click()
    page.get_by_label("Nom du client").fill("CRM Formation Plus")
    page.get_by_label("Lire les candidats et candidatures").check()
    page.get_by_label("Inscrire, modifier, désister").check()
    assert_accessible(page)
    page.get_by_role("button", name="Créer le client et son jeton").click()
    page.get_by_role("heading", name="Jeton d'accès : copiez-le maintenant").wait_for()
    token = page.get_by_role("textbox", name="Jeton").input_value()
    assert token.startswith("acq_")
    assert_accessible(page)

    with Receiver() as receiver:
        receiver.statuses = [500]
        page.get_by_label("Adresse de réception").fill(receiver.url)
        page.get_by_label("Candidature enregistrée").check()
        page.get_by_role("button", name="Créer l'abonnement").click()
        page.get_by_role("heading", name="Secret de signature de l'abonnement").wait_for()
        page.reload()
        assert page.get_by_role("textbox", name="Jeton").count() == 0  # shown once, never again

        assert _register(live_server.url, token, ops_version) == 201
        delivery = WebhookDelivery.objects.get()
        assert webhooks.deliver(delivery.pk) == DeliveryStatus.RETRYING  # 500 from the receiver

        page.get_by_role("link", name="Tout le journal des livraisons").click()
        page.get_by_role("heading", level=1, name="Livraisons d'événements").wait_for()
        assert_accessible(page)
        page.get_by_label("État").select_option(label="Nouvel essai prévu")
        page.get_by_role("button", name="Filtrer").click()
        page.get_by_role("cell", name="candidacy.registered").wait_for()
        page.get_by_role("row", name="candidacy.registered").get_by_role("link").click()
        page.get_by_text("HTTP 500").wait_for()
        assert_accessible(page)

        webhooks.deliver(delivery.pk)  # the retry succeeds: the delivery is done
        page.reload()
        page.get_by_role("button", name="Renvoyer").click()
        page.get_by_text("Livraison renvoyée").wait_for()
        assert webhooks.deliver(delivery.pk, replay=True) == DeliveryStatus.SUCCEEDED
        page.reload()
        assert page.get_by_role("row", name="oui").count() == 1  # the replay, logged
        assert_accessible(page)
    assert len(receiver.received) == 3

    # The reference page, generated from the published document.
    page.goto(live_server.url + "/api/v1/")
    page.get_by_role("link", name="POST /api/v1/candidacies:batch").click()
    page.get_by_role("heading", name="POST /api/v1/candidacies:batch").wait_for()
    assert_accessible(page)
