"""The staff issue a deliberation's documents in the background: "Délivrer les documents" by
keyboard queues the batch, a real database worker (django_tasks_db's Worker, in a thread of
this process) takes it, and the progress bar updated by htmx polling reaches the end without
reloading the page; then the documents table shows what was issued (Chromium, axe-core)."""

import threading

import pytest
from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import expect

from acquis.credentials.models import IssuedDocument
from tests.browser.conftest import assert_accessible
from tests.browser.test_signing_journey import log_in
from tests.credentials.batch_helpers import keys, signed_deliberation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def start_worker() -> threading.Thread:
    worker = Worker(
        queue_names=["default"],
        interval=0.2,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,  # the batch, then the thread ends
        worker_id="parcours-navigateur",
        excluded_queue_names=[],
    )

    def run():
        try:
            worker.run()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_staff_start_the_batch_and_see_the_bar_reach_the_end(
    page, live_server, personas, ops_version, settings, tmp_path
):
    keys(settings, tmp_path)
    deliberation = signed_deliberation(ops_version, 3)
    path = f"/gestion/deliberations/{deliberation.pk}/documents/"
    log_in(page, live_server.url, personas["responsable_epreuves"].email, path)
    page.get_by_role(
        "heading", name=f"Documents de la délibération « {deliberation.title} »"
    ).wait_for()
    status = page.locator("#lot-statut")
    assert "Aucune délivrance n'a encore été demandée" in status.inner_text()
    assert_accessible(page)

    button = page.get_by_role("button", name="Délivrer les documents")
    button.focus()
    page.keyboard.press("Enter")
    page.get_by_text("mis en file d'attente : 3 décision(s) à traiter.").wait_for()
    assert "En attente d'un processus de traitement" in status.inner_text()
    bar = page.locator("#lot-progression")
    assert bar.get_attribute("value") == "0" and bar.get_attribute("max") == "3"
    assert_accessible(page)
    page.evaluate("window.sansRechargement = true")

    thread = start_worker()
    # An auto-waiting assertion, not wait_for_function: the CSP forbids evaluating strings.
    expect(page.locator("#lot-statut")).to_contain_text("Terminé", timeout=60000)
    thread.join(timeout=30)
    assert page.evaluate("window.sansRechargement === true")  # updated in place by htmx
    assert bar.get_attribute("value") == "3"
    assert "3 / 3 décisions" in page.locator("#lot-libelle").inner_text()
    certificate = IssuedDocument.objects.get(
        decision__deliberation=deliberation, kind="certificate"
    )
    page.get_by_role("link", name=f"Certificat (parchemin) n° {certificate.number}").wait_for()
    assert page.get_by_role("button", name="Délivrer les documents").is_visible()
    assert_accessible(page)
