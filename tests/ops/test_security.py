"""Security headers of real responses, templates without inline code, session limits, and
documents refused when the request did not come to SITE_URL (production)."""

import re
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from acquis.credentials.models import IssuingBatch
from acquis.www import middleware
from tests.conftest import PASSWORD
from tests.credentials.batch_helpers import keys, signed_deliberation

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "acquis" / "www" / "templates"


@pytest.fixture
def production_like(settings):
    """The security settings of config.settings.prod, on the test client (HTTPS by proxy)."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.ALLOWED_HOSTS = ["acquis.example.fr"]
    settings.SITE_URL = "https://acquis.example.fr"
    settings.ACQUIS_CHECK_SITE_URL = True
    return {"HTTP_HOST": "acquis.example.fr", "HTTP_X_FORWARDED_PROTO": "https"}


def test_every_page_carries_the_security_headers(client, personas, production_like):
    assert client.login(email=personas["administrateur"].email, password=PASSWORD)
    for url in (reverse("public:home"), reverse("staff:dashboard"), reverse("accounts:login")):
        response = client.get(url, **production_like)
        assert response.status_code == 200, url
        csp = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert response["Referrer-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_plain_http_is_redirected_and_cookies_are_secure(client, personas, production_like):
    plain = client.get(reverse("accounts:login"), HTTP_HOST="acquis.example.fr")
    assert plain.status_code == 301 and plain.url == "https://acquis.example.fr/connexion/"
    health = client.get(reverse("public:health_live"), HTTP_HOST="acquis.example.fr")
    assert health.status_code == 200  # the probes answer inside the network, over HTTP
    page = client.get(reverse("accounts:login"), **production_like)
    token = page.cookies["csrftoken"]
    assert token["secure"] and token["httponly"]
    client.post(
        reverse("accounts:login"),
        {"username": personas["jure"].email, "password": PASSWORD},
        **production_like,
    )
    session = client.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert session["max-age"] == ""  # ends with the browser (SESSION_EXPIRE_AT_BROWSER_CLOSE)


def test_a_request_id_from_the_proxy_is_kept_a_malformed_one_replaced(client):
    given = client.get(reverse("public:health_live"), HTTP_X_REQUEST_ID="lb-1234abcd")
    assert given["X-Request-ID"] == "lb-1234abcd"
    forged = client.get(reverse("public:health_live"), HTTP_X_REQUEST_ID="a\nb<script>")
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])


def test_templates_hold_no_inline_script_style_or_handler():
    """The CSP allows no inline code: every script and style is a static file."""
    offences = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style\b", r"\sstyle=", r"\son[a-z]+="):
            offences += [(template.name, m.group(0)) for m in re.finditer(pattern, text)]
        offences += [(template.name, "javascript:") for _ in re.finditer("javascript:", text)]
    assert offences == []


@pytest.fixture
def clock(monkeypatch):
    moment = [1_000_000]
    monkeypatch.setattr(middleware, "now", lambda: moment[0])
    return moment


def test_a_session_ends_after_an_idle_hour(client, personas, clock, settings):
    settings.ACQUIS_SESSION_IDLE_SECONDS = 3600
    assert client.login(email=personas["administrateur"].email, password=PASSWORD)
    dashboard = reverse("staff:dashboard")
    clock[0] += 3000
    assert client.get(dashboard).status_code == 200  # activity moves the idle clock
    clock[0] += 3000
    assert client.get(dashboard).status_code == 200
    clock[0] += 3601
    response = client.get(dashboard)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [middleware.EXPIRED]
    assert client.get(dashboard).status_code == 302  # logged out for good


def test_a_session_ends_after_eight_hours_however_active(client, personas, clock, settings):
    settings.SESSION_COOKIE_AGE = 8 * 3600
    assert client.login(email=personas["administrateur"].email, password=PASSWORD)
    for _ in range(16):
        clock[0] += 1800
        assert client.get(reverse("staff:dashboard")).status_code == 200
    clock[0] += 60
    response = client.get(reverse("staff:dashboard"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("accounts:login")


@pytest.fixture
def deliberation(ops_version, settings, tmp_path):
    keys(settings, tmp_path)
    return signed_deliberation(ops_version, 1)


def test_issuing_is_refused_when_the_request_did_not_come_to_site_url(
    client, personas, deliberation, production_like
):
    assert client.login(email=personas["responsable_epreuves"].email, password=PASSWORD)
    url = reverse("staff:deliberation_documents", args=[deliberation.pk])
    response = client.post(
        url, {"action": "delivrer"}, HTTP_HOST="acquis.example.fr", secure=False
    )  # TLS ended by a proxy that did not say so: the request looks like plain HTTP
    assert response.status_code == 301  # the redirect comes first…
    wrong = {**production_like, "HTTP_HOST": "acquis.example.fr:8443"}
    response = client.post(url, {"action": "delivrer"}, **wrong)
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [
        "Délivrance refusée : l'adresse publique configurée (SITE_URL = "
        "https://acquis.example.fr) n'est pas celle par laquelle vous utilisez le site "
        "(https://acquis.example.fr:8443). Les documents impriment cette adresse dans leur "
        "code QR et leur lien de vérification : faites corriger SITE_URL (ou, derrière un "
        "proxy, SECURE_PROXY_SSL_HEADER et USE_X_FORWARDED_HOST) puis redémarrer le serveur."
    ]
    assert not IssuingBatch.objects.exists()
    response = client.post(url, {"action": "delivrer"}, **production_like)
    assert IssuingBatch.objects.count() == 1  # the public address itself: queued
