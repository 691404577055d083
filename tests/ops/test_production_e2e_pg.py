"""End to end in production: `acquis serve` (gunicorn, 2 workers) and `acquis db_worker`
started from the documented commands with config.settings.prod on PostgreSQL, behind a
simulated TLS proxy (X-Forwarded-Proto: https, Host acquis.example.fr). Over real HTTP:
readiness, login, staff, juror and public pages with the production headers, static files
with hashed names and a one-year cache, one issuing batch run by the worker and its signed
certificate downloaded."""

import hashlib
import json
import re
import signal
import subprocess
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import psutil
import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import connection
from django.urls import reverse

from acquis.credentials.documents import verify_url
from acquis.credentials.enums import BatchStatus
from acquis.credentials.models import IssuedDocument, IssuingBatch
from acquis.evaluations.services import record_juror
from acquis.organisations.models import User
from tests import factories
from tests.conftest import PASSWORD
from tests.credentials.batch_helpers import keys
from tests.exports import awarded
from tests.ops.helpers import ACQUIS, REPO, database_url, free_port, wait_for
from tests.twofactor import code_for, enrol

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
HOST = "acquis.example.fr"


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("Serveur de production et processus de traitement : PostgreSQL seulement.")


class Browser:
    """HTTP through the simulated proxy, with a cookie jar (Secure cookies: HTTPS seen)."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method, path, *, form=None, proxy=True):
        headers = {"Host": HOST}
        if proxy:
            headers |= {"X-Forwarded-Proto": "https", "Origin": f"https://{HOST}"}
            headers["Referer"] = f"https://{HOST}{path}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies["csrftoken"]})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.body = response.read()
        connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":  # a deletion
                    self.cookies.pop(name, None)
                    continue
                assert morsel["secure"] and morsel["httponly"], header
                self.cookies[name] = morsel.value
        return response

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, form):
        return self.request("POST", path, form=form)

    def login(self, email):
        self.cookies.clear()
        assert self.get(reverse("accounts:login")).status == 200
        response = self.post(reverse("accounts:login"), {"username": email, "password": PASSWORD})
        assert response.status == 302, response.body[:2000]
        assert "sessionid" in self.cookies
        user = User.objects.get(email=email)
        if user.totpdevice_set.filter(confirmed=True).exists():
            # An enrolled person gives the second factor (the test key of tests/twofactor.py).
            verified = self.post(reverse("accounts:two_factor_verify"), {"code": code_for(user)})
            assert verified.status == 302, verified.body[:2000]


def argon2(user):
    """Production hashes with Argon2 (the test settings' MD5 is not among its hashers)."""
    hasher = Argon2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])


def assert_production_headers(response):
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])
    assert response.headers["Server"] != "WSGIServer"  # gunicorn, not the development server


def test_production_server_and_worker_end_to_end(
    prod_site, personas, ops_version, settings, tmp_path
):
    keys(settings, tmp_path)  # SITE_URL of the test process: the server's
    decision = awarded(ops_version)
    deliberation = decision.deliberation
    manager, juror = personas["responsable_epreuves"], personas["jure"]
    record_juror(
        user=juror,
        certifier=ops_version.certification.owner,
        sector="insertion",
        role="Conseiller emploi",
        years_experience=6,
        proof=factories.pdf_upload(),
    )
    for user in (manager, juror):
        argon2(user)
    enrol(manager)  # staff must give a second factor
    port = free_port()
    env = prod_site.env | {"DATABASE_URL": database_url(), "DB_CONN_MAX_AGE": "60"}
    server = subprocess.Popen(  # noqa: S603 - the documented command
        [ACQUIS, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    worker = subprocess.Popen(  # noqa: S603 - the documented command
        [ACQUIS, "db_worker", "--interval", "0.2", "--no-startup-delay"],
        env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    browser = Browser(port)
    try:

        def ready():
            try:
                response = browser.get(reverse("public:health_ready"), proxy=False)
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-3000:]
                return None
            body = json.loads(response.body)
            return body if body["statut"] == "pret" else None

        body = wait_for(ready, timeout=90, what="/sante/pret/ « pret »")
        assert body["verifications"]["processus_de_traitement"]["processus"] == 1

        plain = browser.get(reverse("public:home"), proxy=False)  # no proxy header: plain HTTP
        assert plain.status == 301 and plain.headers["Location"] == f"https://{HOST}/"

        home = browser.get(reverse("public:home"))  # public
        assert home.status == 200
        assert_production_headers(home)
        stylesheet = re.search(rb'href="(/static/css/acquis\.[0-9a-f]{12}\.css)"', home.body)
        static = browser.get(stylesheet[1].decode())
        assert static.status == 200
        assert static.headers["Cache-Control"] == "max-age=315360000, public, immutable"

        browser.login(juror.email)
        jury = browser.get(reverse("jury:home"))
        assert jury.status == 200 and "Mes évaluations".encode() in jury.body
        assert_production_headers(jury)

        # A web process killed outright (as by the OOM killer): the others serve, gunicorn
        # starts a new one, the session (in the database) survives.
        web_workers = psutil.Process(server.pid).children()
        assert len(web_workers) == 2
        web_workers[0].kill()
        for _ in range(4):
            assert browser.get(reverse("jury:home")).status == 200

        browser.login(manager.email)
        dashboard = browser.get(reverse("staff:dashboard"))
        assert dashboard.status == 200, (dashboard.status, dashboard.headers["Location"])
        assert_production_headers(dashboard)
        page = reverse("staff:deliberation_documents", args=[deliberation.pk])
        assert browser.get(page).status == 200
        queued = browser.post(page, {"action": "delivrer"})
        assert queued.status == 302 and queued.headers["Location"] == page

        def done():
            batch = IssuingBatch.objects.filter(deliberation=deliberation).first()
            return batch if batch and batch.status == BatchStatus.DONE else None

        batch = wait_for(done, timeout=120, what="le lot délivré par le processus")
        assert batch.processed == 1 and batch.documents_issued == 3  # PV, certificate, letter
        certificate = IssuedDocument.objects.get(decision=decision, kind="certificate")
        download = browser.get(reverse("staff:issued_document", args=[certificate.pk]))
        assert download.status == 200 and download.headers["Content-Type"] == "application/pdf"
        assert hashlib.sha256(download.body).hexdigest() == certificate.sha256
        address = verify_url(certificate.verification_code)  # printed in its QR code
        assert address.startswith(f"https://{HOST}/verifier/")
        verify = browser.get(urlsplit(address).path)
        assert verify.status == 200 and certificate.number.encode() in verify.body
    finally:
        for process in (server, worker):
            process.send_signal(signal.SIGTERM)
        for process in (server, worker):
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log = server.stderr.read().decode()
        server.stdout.close(), server.stderr.close(), worker.stderr.close()
    assert "Traceback" not in log, log[-3000:]
    assert re.search(r"acquis\.requests : POST /gestion/.* 302", log)  # one line per request
