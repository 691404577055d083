"""Every URL × every role: allowed (200), sent to login (302), forbidden (403) or hidden (404).

Entries live in `matrix_*.py` beside this file, one module per area. The test fails when a
URL exists without an entry: add one with the new view.

POST too: every role refused on GET (302 to login, 403, 404) is refused the same way on POST
(or 405 where the URL takes no POST), before any form is read. A POST-only URL gives its POST
expectations as a third element of its entry: `(build, get_expected, post_expected)`.
"""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.www.permissions as package
from acquis.referential.models import Certification
from tests.conftest import PASSWORD
from tests.www.permissions.roles import ROLES


def _matrix() -> tuple[dict, set]:
    merged: dict = {}
    redirecting = {"admin:index", "after_login"}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("matrix_"):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            entries = module.ENTRIES
            assert not merged.keys() & entries.keys(), f"entrée en double dans {info.name}"
            merged.update(entries)
            redirecting |= getattr(module, "REDIRECTING", set())
    return merged, redirecting


# REDIRECTING: URLs whose 302 goes somewhere else than the login page (own tests).
MATRIX, REDIRECTING = _matrix()
REFUSED = (302, 403, 404)


def _named_urls(patterns=None):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                yield "admin:index"  # the admin guards its own pages
                continue
            if entry.namespace == "api-v1":
                # The machine API authenticates by token, not by session: its operations
                # are crossed with scopes and owners in tests/api/test_permissions.py.
                yield "api-v1:openapi-json"
                continue
            yield from _named_urls(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            yield entry.name


def test_every_url_has_an_entry_in_the_matrix():
    names = set(_named_urls())
    assert None not in names, "Chaque URL doit avoir un nom."
    assert names - MATRIX.keys() == set(), "URL sans entrée dans la matrice des permissions"
    assert MATRIX.keys() - names == set(), "Entrée de matrice pour une URL qui n'existe plus"
    for name, (_, expected, *post) in MATRIX.items():
        assert set(expected) == set(ROLES), f"{name} : un rôle manque"
        assert not post or set(post[0]) == set(ROLES), f"{name} : un rôle manque (POST)"


@pytest.fixture
def matrix_context(request, personas, ops_version):
    """Objects the URLs of the matrix need; areas add theirs in `extend_matrix_context`."""
    personas["administrateur"].is_staff = True
    personas["administrateur"].save()
    ctx = {"code": ops_version.certification.code, "personas": personas, "version": ops_version}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("matrix_"):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            extend = getattr(module, "extend_context", None)
            if extend is not None:
                ctx.update(extend(ctx))
    return ctx


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_permission(client, personas, matrix_context, name):
    """Every role on one URL, on one arranged context (building it is the costly part:
    once per URL rather than once per URL and role); every mismatch is reported."""
    build, expected, *post = MATRIX[name]
    mismatches = []
    for role in ROLES:
        _log_in(client, personas[role])
        response = client.get(build(matrix_context))
        if response.streaming:
            # A file download holds its file open until read to the end; the test client's
            # wrapper then closes it without firing request_finished (which would close the
            # database connection inside the test transaction on PostgreSQL).
            b"".join(response.streaming_content)
        if response.status_code != expected[role]:
            mismatches.append((role, response.status_code, expected[role]))
        elif response.status_code == 302 and name not in REDIRECTING:
            if not response.url.startswith(reverse("login")):
                mismatches.append((role, f"302 vers {response.url}", "302 vers la connexion"))
    # POST, after every GET (a POST the role may send changes things).
    post_expected = post[0] if post else {r: s for r, s in expected.items() if s in REFUSED}
    for role, status in post_expected.items():
        _log_in(client, personas[role])
        response = client.post(build(matrix_context), {})
        if response.streaming:
            b"".join(response.streaming_content)
        got = response.status_code
        if got != status and not (not post and got == 405):
            mismatches.append((role, f"POST {got}", status))
        elif got == 302 and name not in REDIRECTING and post_expected is not None:
            if not response.url.startswith(reverse("login")):
                mismatches.append((role, f"POST 302 vers {response.url}", "302 vers la connexion"))
    assert mismatches == [], f"{name} : (rôle, obtenu, attendu) {mismatches}"


def _log_in(client, user):
    client.logout()
    if user is not None:
        assert client.login(email=user.email, password=PASSWORD)


@pytest.mark.django_db
def test_unowned_certifications_are_visible_to_any_certifier_staff(client, personas):
    Certification.objects.create(code="rncp1", title="Importée")
    client.login(email=personas["admin_autre_certificateur"].email, password=PASSWORD)
    assert client.get(reverse("staff_versions", args=["rncp1"])).status_code == 200
