"""Login, second-factor, PV-signature, reset, invitation and verification throttles."""

import pytest
from django.core import mail
from django.urls import reverse

from acquis.audit.models import AuditEvent
from acquis.security import throttle
from acquis.security.models import Throttle
from acquis.security.network import client_ip
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def post_login(client, email, password, **extra):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, **extra
    )


@pytest.fixture
def tight(settings):
    settings.ACQUIS_THROTTLES = {
        **settings.ACQUIS_THROTTLES,
        "login.account": {"limit": 3, "window": 900, "lock": 900},
        "login.ip": {"limit": 5, "window": 900, "lock": 900},
        "reset.email": {"limit": 2, "window": 3600, "lock": 3600},
        "invitation.ip": {"limit": 2, "window": 900, "lock": 900},
        "badge_check.ip": {"limit": 2, "window": 600, "lock": 600},
    }


def test_an_account_locks_after_failures_with_the_same_words_as_a_missing_one(
    client, personas, tight
):
    for _ in range(3):
        post_login(client, "jure@test.fr", "faux")
    locked = post_login(client, "jure@test.fr", PASSWORD, REMOTE_ADDR="10.0.0.2")
    assert "Trop de tentatives" in locked.content.decode()
    assert "_auth_user_id" not in client.session  # the right password is refused while locked
    for _ in range(3):
        post_login(client, "personne@test.fr", "faux", REMOTE_ADDR="10.0.0.3")
    missing = post_login(client, "personne@test.fr", "faux", REMOTE_ADDR="10.0.0.3")
    assert "Trop de tentatives" in missing.content.decode()
    verbs = list(AuditEvent.objects.values_list("verb", flat=True))
    assert verbs.count("security.locked") == 2 and "security.login_failed" in verbs
    assert not any("personne@test.fr" in str(e.payload) for e in AuditEvent.objects.all())


def test_one_ip_is_locked_across_accounts(client, personas, tight):
    for n in range(5):
        post_login(client, f"inconnu{n}@test.fr", "faux", REMOTE_ADDR="10.9.9.9")
    response = post_login(client, "candidat@test.fr", PASSWORD, REMOTE_ADDR="10.9.9.9")
    assert "Trop de tentatives" in response.content.decode()
    other = post_login(client, "candidat@test.fr", PASSWORD, REMOTE_ADDR="10.9.9.8")
    assert other.status_code == 302


def test_the_lock_ends_and_the_end_is_audited(client, personas, tight):
    from datetime import timedelta

    from django.utils import timezone

    for _ in range(3):
        post_login(client, "jure@test.fr", "faux")
    later = timezone.now() + timedelta(seconds=901)
    assert throttle.locked_until("login.account", "jure@test.fr", now=later) is None
    ended = AuditEvent.objects.filter(verb="security.unlocked").get()
    assert ended.payload["how"] == "expired" and ended.payload["scope"] == "login.account"


def test_the_client_ip_comes_from_the_trusted_header_only(rf, settings):
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4")
    assert client_ip(request) == "127.0.0.1"  # default: the header is the client's word
    settings.ACQUIS_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    assert client_ip(request) == "1.2.3.4"  # the address our one proxy appended
    settings.ACQUIS_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"


def test_verification_failures_count_per_real_ip_behind_the_proxy(client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.ACQUIS_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.ACQUIS_VERIFY_MAX_FAILURES = 2
    url = reverse("public:verify_document", args=["inconnu"])
    for _ in range(2):
        client.get(url, HTTP_X_FORWARDED_FOR="5.5.5.5")
    assert client.get(url, HTTP_X_FORWARDED_FOR="5.5.5.5").status_code == 429
    assert client.get(url, HTTP_X_FORWARDED_FOR="5.5.5.6").status_code == 404
    cache.clear()


def test_reset_emails_per_address_are_limited_without_telling(client, personas, tight):
    for _ in range(4):
        response = client.post(reverse("accounts:password_reset"), {"email": "jure@test.fr"})
        assert response.status_code == 302  # the same confirmation every time
    assert len(mail.outbox) == 2


def test_dead_invitation_links_lock_the_ip(client, tight):
    url = reverse("accounts:accept_invitation", args=["MQ", "faux-jeton"])
    client.get(url)
    client.get(url)
    assert client.get(url).status_code == 429


def test_badge_checks_are_limited_per_ip(client, tight):
    url = reverse("public:badge_check")
    for _ in range(2):
        client.post(url, {"content": "{}"})
    response = client.post(url, {"content": "{}"})
    assert response.status_code == 429 and "Trop de tentatives" in response.content.decode()


def test_throttle_rows_name_nobody(client, personas, tight):
    post_login(client, "jure@test.fr", "faux")
    assert Throttle.objects.exists()
    for row in Throttle.objects.all():
        assert "jure" not in row.key_digest and "127.0.0.1" not in row.key_digest
