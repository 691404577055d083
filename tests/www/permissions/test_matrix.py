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
    redirecting = {"admin:index", "accounts:after_login"}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("matrix_"):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            entries = module.ENTRIES
            assert not merged.keys() & entries.keys(), f"entrée en double dans {info.name}"
            merged.update(entries)
            _AREA_OF.update(dict.fromkeys(entries, getattr(module, "extend_context", None)))
            _NEEDS.update(getattr(module, "NEEDS", {}))
            redirecting |= getattr(module, "REDIRECTING", set())
    return merged, redirecting


# The area (its `extend_context`) of each URL, and the context keys a URL needs beyond
# those it reads (state another area arranges: NEEDS in the area's module).
_AREA_OF: dict = {}
_NEEDS: dict = {}
# REDIRECTING: URLs whose 302 goes somewhere else than the login page (own tests).
MATRIX, REDIRECTING = _matrix()
REFUSED = (302, 403, 404)


def _named_urls(patterns=None, namespace=""):
    """Every URL's view name (its namespaces included: "staff:candidacies"); an unnamed
    URL gives None."""
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
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_urls(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else None


def test_every_url_has_an_entry_in_the_matrix():
    names = set(_named_urls())
    assert None not in names, "Chaque URL doit avoir un nom."
    assert names - MATRIX.keys() == set(), "URL sans entrée dans la matrice des permissions"
    assert MATRIX.keys() - names == set(), "Entrée de matrice pour une URL qui n'existe plus"
    for name, (_, expected, *post) in MATRIX.items():
        assert set(expected) == set(ROLES), f"{name} : un rôle manque"
        assert not post or set(post[0]) == set(ROLES), f"{name} : un rôle manque (POST)"


# Which area's `extend_context` gives each key: learnt as areas run (the first URL needing a
# late key runs the areas in order and records what each adds).
_PROVIDERS: dict = {}


class _AreaContext(dict):
    """The matrix context, built area by area as the URL asks: a missing key runs the area
    known to give it, or else the next areas in name order (as a full build would) until it
    appears, so one URL pays only for the areas it reads (and those they read)."""

    def __init__(self, base: dict, extenders: list):
        super().__init__(base)
        self._pending = list(extenders)

    def build(self, extend) -> None:
        if extend in self._pending:
            self._run(extend)

    def _run(self, extend) -> None:
        self._pending.remove(extend)
        added = extend(self)
        for key in added:
            _PROVIDERS[key] = extend
        self.update(added)

    def __missing__(self, key):
        provider = _PROVIDERS.get(key)
        if provider is not None and provider in self._pending:
            self._run(provider)
        while key not in self.keys() and self._pending:
            self._run(self._pending[0])
        if key not in self.keys():
            raise KeyError(key)
        return dict.__getitem__(self, key)


def _extenders() -> list:
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("matrix_"):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            extend = getattr(module, "extend_context", None)
            if extend is not None:
                found.append(extend)
    return found


@pytest.fixture
def matrix_context(request, personas, ops_version):
    """Objects the URLs of the matrix need; areas add theirs in `extend_context`."""
    personas["administrateur"].is_staff = True
    personas["administrateur"].save()
    ctx = {"code": ops_version.certification.code, "personas": personas, "version": ops_version}
    ctx = _AreaContext(ctx, _extenders())
    name = request.node.callspec.params.get("name") if hasattr(request.node, "callspec") else None
    own = _AREA_OF.get(name)
    if own is not None:
        ctx.build(own)
    for key in _NEEDS.get(name, ()):
        ctx[key]
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
            if not response.url.startswith(reverse("accounts:login")):
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
            if not response.url.startswith(reverse("accounts:login")):
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
    assert client.get(reverse("staff:versions", args=["rncp1"])).status_code == 200
