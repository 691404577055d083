"""The issuing batch through the staff pages: "Délivrer les documents" queues a batch, the
page (without JavaScript) and its htmx progress fragment show its state, a failure shows its
French reason and "Reprendre la délivrance", refusals. The batch itself is run by
`batches.run` (the worker's task), tested in tests/credentials/test_batches.py."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from acquis.credentials import batches
from acquis.credentials.enums import BatchStatus
from acquis.credentials.models import IssuedDocument, IssuingBatch
from tests.conftest import PASSWORD
from tests.credentials.batch_helpers import keys, signed_deliberation
from tests.juries import factories as jf

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _keys(settings, tmp_path):
    keys(settings, tmp_path)


@pytest.fixture
def deliberation(ops_version):
    return signed_deliberation(ops_version, 2)  # a total and a partial validation


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def urls(deliberation):
    return (
        reverse("staff:deliberation_documents", args=[deliberation.pk]),
        reverse("staff:issuing_batch_progress", args=[deliberation.pk]),
    )


def test_deliver_queues_a_batch_and_the_page_follows_it(client, personas, deliberation):
    login(client, personas["responsable_epreuves"])
    page_url, progress_url = urls(deliberation)
    page = client.get(page_url).content.decode()
    assert "Délivrer les documents" in page and "Aucune délivrance" in page
    assert "hx-get" not in page and "htmx.min.js" not in page  # nothing to follow yet

    response = client.post(page_url, {"action": "delivrer"})
    assert response.status_code == 302 and response.url == page_url
    batch = IssuingBatch.objects.get()
    assert messages_of(response) == [
        f"Lot n° {batch.pk} mis en file d'attente : 2 décision(s) à traiter."
    ]
    assert DBTaskResult.objects.filter(id=batch.task_id).exists()
    page = client.get(page_url).content.decode()
    assert f'hx-get="{progress_url}"' in page and "htmx.min.js" in page
    assert '<progress id="lot-progression"' in page and 'value="0"' in page
    assert "0 / 2 décisions" in page and "En attente d'un processus de traitement" in page
    assert "Actualiser la page" in page  # without JavaScript, a reload shows the state
    assert "Délivrer les documents</button>" not in page

    again = client.post(page_url, {"action": "delivrer"})
    assert messages_of(again) == [
        f"Délivrance : le lot n° {batch.pk} est déjà en attente pour cette délibération "
        "(0 / 2 décisions)."
    ]
    assert IssuingBatch.objects.count() == 1

    polled = client.get(progress_url, **HTMX)
    assert polled.status_code == 200  # still queued: polling goes on
    assert 'id="lot-statut" hx-swap-oob="innerHTML"' in polled.content.decode()
    assert "documents-delivres" not in polled.content.decode()

    batches.run(batch.pk)
    polled = client.get(progress_url, **HTMX)
    assert polled.status_code == 286  # htmx stops polling
    body = polled.content.decode()
    certificate = IssuedDocument.objects.get(kind="certificate")
    assert "2 / 2 décisions" in body and "Terminé le" in body
    assert f"n° {certificate.number}" in body  # the documents table, swapped in place
    assert 'value="2"' in body and "Délivrer les documents" in body
    assert client.get(progress_url).status_code == 200  # not htmx: a plain fragment
    page = client.get(page_url).content.decode()
    assert "hx-get" not in page and f"n° {certificate.number}" in page
    assert "Titre" in page and "Bloc B1" in page  # the badges of each decision


def test_a_failure_shows_its_reason_and_resumes(client, personas, deliberation, settings):
    login(client, personas["administrateur"])
    page_url, progress_url = urls(deliberation)
    key = settings.ACQUIS_PDF_SIGNING_KEY
    settings.ACQUIS_PDF_SIGNING_KEY = key.with_name("absente.pem")
    client.post(page_url, {"action": "delivrer"})
    batch = batches.run(IssuingBatch.objects.get().pk)
    assert batch.status == BatchStatus.FAILED
    page = client.get(page_url).content.decode()
    assert "Interrompu à 0 / 2 décisions" in page
    assert "Signature électronique impossible : clé introuvable" in page
    assert "Reprendre la délivrance" in page and "hx-get" not in page
    assert client.get(progress_url, **HTMX).status_code == 286

    settings.ACQUIS_PDF_SIGNING_KEY = key
    response = client.post(page_url, {"action": "reprendre"})
    assert messages_of(response) == [
        f"Lot n° {batch.pk} repris : il reprend après la dernière décision traitée (0 / 2)."
    ]
    assert batches.run(batch.pk).status == BatchStatus.DONE
    page = client.get(page_url).content.decode()
    assert "Terminé le" in page and "2 / 2 décisions" in page
    again = client.post(page_url, {"action": "reprendre"})
    assert messages_of(again) == [
        f"Lot de délivrance n° {batch.pk} : seul un lot interrompu se reprend (il est « Terminé »)."
    ]


def test_a_stale_batch_offers_to_resume(client, personas, deliberation):
    login(client, personas["administrateur"])
    page_url, _ = urls(deliberation)
    batch = batches.request_batch(deliberation, actor=None)
    IssuingBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, heartbeat_at=timezone.now() - timezone.timedelta(hours=1)
    )
    page = client.get(page_url).content.decode()
    assert "le lot ne progresse plus depuis" in page and "Reprendre la délivrance" in page
    client.post(page_url, {"action": "reprendre"})
    assert IssuingBatch.objects.get().status == BatchStatus.QUEUED


def test_nothing_to_resume_and_unknown_action(client, personas, deliberation):
    login(client, personas["administrateur"])
    page_url, _ = urls(deliberation)
    response = client.post(page_url, {"action": "reprendre"})
    assert messages_of(response) == ["Délivrance : aucun lot à reprendre."]
    assert client.post(page_url, {"action": "supprimer"}).status_code == 400
    assert not IssuingBatch.objects.exists()


def test_an_unsigned_deliberation_cannot_be_delivered(client, personas, ops_version):
    unsigned = jf.deliberation(ops_version, [jf.ready_candidacy(ops_version)])
    login(client, personas["administrateur"])
    page_url, _ = urls(unsigned)
    page = client.get(page_url).content.decode()
    assert "procès-verbal signé par tous les membres" in page
    assert "Délivrer les documents</button>" not in page
    response = client.post(page_url, {"action": "delivrer"})
    assert messages_of(response) == [
        "Délivrance : la délibération doit avoir son procès-verbal signé par tous les membres "
        "du jury avant toute délivrance."
    ]
    assert not IssuingBatch.objects.exists()


def test_another_certifier_sees_nothing(client, personas, deliberation):
    login(client, personas["admin_autre_certificateur"])
    page_url, progress_url = urls(deliberation)
    assert client.post(page_url, {"action": "delivrer"}).status_code == 404
    assert client.get(progress_url, **HTMX).status_code == 404
    assert not IssuingBatch.objects.exists()


def test_the_page_reads_a_constant_number_of_queries(client, personas, deliberation, ops_version):
    smaller = signed_deliberation(ops_version, 1)
    for each in (deliberation, smaller):
        batches.run(batches.request_batch(each, actor=None).pk)
    login(client, personas["administrateur"])
    counts = []
    for each in (deliberation, smaller):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(urls(each)[0]).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]  # 2 decisions or 1: the same queries
