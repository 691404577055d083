"""Health probes: public, for the load balancer and the container (no login, no secret).

Readiness answers 503 here: the tests have no signing keys unless a test installs them
(tests/conftest.py), which the probe reports (tests/ops/test_health.py covers the 200)."""

from django.urls import reverse

from tests.www.permissions.roles import PUBLIC, ROLES

ENTRIES = {
    "public:health_live": (lambda ctx: reverse("public:health_live"), PUBLIC),
    "public:health_ready": (lambda ctx: reverse("public:health_ready"), dict.fromkeys(ROLES, 503)),
}
