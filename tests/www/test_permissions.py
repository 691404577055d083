"""Every URL × every role: allowed (200), sent to login (302), forbidden (403) or hidden (404).

The test fails when a URL exists without an entry here: add one with the new view.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from acquis.referential.models import Certification
from tests.conftest import PASSWORD

ROLES = [
    "anonyme",
    "administrateur",
    "responsable_epreuves",
    "jure",
    "partenaire",
    "candidat",
    "admin_autre_certificateur",
]
PUBLIC = dict.fromkeys(ROLES, 200)
STAFF = {
    "anonyme": 302,
    "administrateur": 200,
    "responsable_epreuves": 200,
    "jure": 403,
    "partenaire": 403,
    "candidat": 403,
    "admin_autre_certificateur": 200,
}
# A certification owned by OPS Conseil: hidden from another certifier's staff.
STAFF_OWN = {**STAFF, "admin_autre_certificateur": 404}
# The Django admin: only the demo administrator (is_staff) gets in; others are sent to login.
ADMIN = {**dict.fromkeys(ROLES, 302), "administrateur": 200}

MATRIX = {
    "home": (lambda ctx: reverse("home"), PUBLIC),
    "referential": (lambda ctx: reverse("referential", args=[ctx["code"]]), PUBLIC),
    "referential_version": (
        lambda ctx: reverse("referential_version", args=[ctx["code"], 1]),
        PUBLIC,
    ),
    "login": (lambda ctx: reverse("login"), PUBLIC),
    "logout": (lambda ctx: reverse("logout"), dict.fromkeys(ROLES, 405)),  # POST only
    "staff_dashboard": (lambda ctx: reverse("staff_dashboard"), STAFF),
    "staff_versions": (lambda ctx: reverse("staff_versions", args=[ctx["code"]]), STAFF_OWN),
    "admin:index": (lambda ctx: reverse("admin:index"), ADMIN),
}


def _named_urls(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                yield "admin:index"  # the admin guards its own pages
                continue
            yield from _named_urls(entry.url_patterns, prefix)
        elif isinstance(entry, URLPattern):
            yield entry.name


def test_every_url_has_an_entry_in_the_matrix():
    names = set(_named_urls())
    assert None not in names, "Chaque URL doit avoir un nom."
    assert names - MATRIX.keys() == set(), "URL sans entrée dans la matrice des permissions"
    assert MATRIX.keys() - names == set(), "Entrée de matrice pour une URL qui n'existe plus"


@pytest.fixture
def context(personas, ops_version):
    personas["administrateur"].is_staff = True
    personas["administrateur"].save()
    return {"code": ops_version.certification.code}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_url_permission(client, personas, context, name, role):
    build, expected = MATRIX[name]
    user = personas[role]
    if user is not None:
        assert client.login(email=user.email, password=PASSWORD)
    response = client.get(build(context))
    assert response.status_code == expected[role], (name, role)
    if response.status_code == 302:
        assert response.url.startswith(reverse("login") if name != "admin:index" else "/admin/")


@pytest.mark.django_db
def test_unowned_certifications_are_visible_to_any_certifier_staff(client, personas):
    Certification.objects.create(code="rncp1", title="Importée")
    client.login(email=personas["admin_autre_certificateur"].email, password=PASSWORD)
    assert client.get(reverse("staff_versions", args=["rncp1"])).status_code == 200
