import base64
import os
import threading
import time

import pytest
from django.db import connections

from tests.conftest import CHROMIUM

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def page(live_server):
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the
    # test itself (arranging data) are still synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    baseline = threading.active_count()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        context = browser.new_context(locale="fr-FR")
        page = context.new_page()
        page.set_default_timeout(15000)
        # The pages run under the production Content-Security-Policy (no inline code, no
        # eval): anything it blocks fails the journey.
        blocked = []
        page.on(
            "console",
            lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
        )
        yield page
        assert blocked == [], f"Bloqué par la Content-Security-Policy : {blocked}"
        # ORM calls made while Playwright's loop runs use connections local to that
        # context: close them here, or PostgreSQL cannot drop the test database.
        connections.close_all()
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    _wait_for_request_threads(baseline)


def _wait_for_request_threads(baseline: int) -> None:
    """Let the live server's request threads (kept alive by the browser) close their
    database connections, so that PostgreSQL can drop the test database afterwards."""
    deadline = time.monotonic() + 10
    while threading.active_count() > baseline and time.monotonic() < deadline:
        time.sleep(0.05)


def assert_accessible(page):
    """axe-core (shipped inside axe-playwright-python) finds no serious violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [
        v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}
    ]
    assert serious == [], [(v["id"], v["help"], len(v["nodes"])) for v in serious]


def second_factor(page, email):
    """After « Se connecter »: give the second factor when the app asks for it — the code
    of the enrolled user, or the whole enrolment for a user who must enrol."""
    from urllib.parse import urlsplit

    from acquis.organisations.models import User
    from tests import twofactor

    page.wait_for_url(lambda url: urlsplit(url).path != "/connexion/")
    path = urlsplit(page.url).path
    if path == "/compte/double-authentification/activer/":
        secret = page.locator("#cle-secrete").inner_text().replace(" ", "")
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        page.get_by_label("Code de vérification").fill(twofactor.code_from_key(key))
        page.get_by_role("button", name="Activer").click()
        page.get_by_role("link", name="Continuer").click()
    elif path == "/connexion/verification/":
        code = twofactor.code_for(User.objects.get(email=email))
        page.get_by_label("Code de vérification").fill(code)
        page.get_by_role("button", name="Vérifier").click()
        page.wait_for_url(lambda url: urlsplit(url).path != "/connexion/verification/")
