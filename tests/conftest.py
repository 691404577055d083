"""Personas and the strict harness of every test."""

import copy
import os
import socket
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from acquis.organisations.enums import OrganisationKind, Role
from acquis.organisations.models import Organisation, User
from acquis.organisations.services import ensure_certifier, grant_role
from acquis.referential import fileformat
from acquis.referential.enums import SourceKind
from acquis.referential.services import load_document, load_referential_file
from tests import twofactor as test_twofactor

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"  # vendored test data (tests/data/README.md)
CHROMIUM = Path(os.environ.get("ACQUIS_CHROMIUM", "/usr/bin/chromium"))
PASSWORD = "mot-de-passe-de-test"
# Fixtures of an area used beyond its folder (accrochage: exports and www pages).
pytest_plugins = ["tests.exports.fixtures"]


# The real database worker run inside the test process (`call_command("db_worker")`): on the
# run's in-memory SQLite database (shared cache), its exclusive transaction is refused
# ("table is locked") whenever another connection of the run still holds a read lock, which
# depends on the tests' random order; a real installation's SQLite file has no shared cache.
# Those tests run on PostgreSQL (CI runs the suite on both).
worker_on_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="Processus de traitement réel dans le processus de test : PostgreSQL seulement "
    "(verrous du cache partagé de la base SQLite en mémoire des tests).",
)


# --- no network: only loopback connections are allowed during tests ----------------------


def _guarded(connect):
    def guarded_connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in {"localhost", "::1"} or host.startswith("/")
        ):
            raise RuntimeError(f"Accès réseau interdit pendant les tests : {address!r}")
        return connect(self, address)

    return guarded_connect


@pytest.fixture(scope="session", autouse=True)
def _no_network():
    """socket.connect refuses every address but the loopback for the whole session, and is
    given back as it was at the end."""
    real = socket.socket.connect
    socket.socket.connect = _guarded(real)
    try:
        yield
    finally:
        socket.socket.connect = real


# --- the clock: calendar-dependent tests run on a fixed day ------------------------------
# A Wednesday morning far from midnight, a month's end and a clock change: the clock starts
# there and ticks (durations and the order of creation stay real).
FROZEN_AT = datetime(2026, 12, 9, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture
def clock(monkeypatch):
    """`timezone.now()` (so `timezone.localdate()`, auto_now fields…) starts at FROZEN_AT,
    whatever the real date; restored at the end of the test."""
    started = time.monotonic()

    def now():
        return (FROZEN_AT + timedelta(seconds=time.monotonic() - started)).astimezone(UTC)

    monkeypatch.setattr(timezone, "now", now)
    return SimpleNamespace(start=FROZEN_AT, today=FROZEN_AT.date())


# --- second factor: the test client's login() gives a verified session --------------------
# Through django-otp's real session key, read by the real middleware: a user who must use a
# second factor (staff, jury members) is enrolled with the test key (tests/twofactor.py).
# Tests of the second factor itself log in through the login form instead.
_real_client_login = Client._login


def _login_with_second_factor(self, user, backend=None):
    _real_client_login(self, user, backend)
    from acquis.security import twofactor

    enrolled, required = twofactor.status(user)
    if enrolled or required:
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = test_twofactor.enrol(user).persistent_id
        session.save()


Client._login = _login_with_second_factor


# --- browser tests: skipped (and counted) without Chromium, failing in CI ----------------
# The count is read from the test reports, not kept at collection: with pytest-xdist the
# workers collect, and only their reports reach the process that prints the summary.


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists() or os.environ.get("ACQUIS_REQUIRE_BROWSER") == "1":
        return  # in CI the test runs, and fails on the missing browser
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=f"Chromium introuvable ({CHROMIUM})"))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if CHROMIUM.exists():
        return
    required = os.environ.get("ACQUIS_REQUIRE_BROWSER") == "1"
    outcomes = ("failed", "error") if required else ("skipped",)
    browser_tests = {
        report.nodeid
        for outcome in outcomes
        for report in terminalreporter.stats.get(outcome, [])
        if "browser" in getattr(report, "keywords", {})
    }
    if not browser_tests:
        return
    verb = "en échec (ACQUIS_REQUIRE_BROWSER=1 l'exige)" if required else "ignorés"
    terminalreporter.write_line(
        f"{len(browser_tests)} test(s) navigateur {verb} : Chromium introuvable à "
        f"{CHROMIUM}. Installez le paquet Debian « chromium » (apt-get install chromium).",
        yellow=True,
        bold=True,
    )


# --- personas ----------------------------------------------------------------------------


@pytest.fixture
def builtin_file() -> Path:
    return Path(settings.ACQUIS_BUILTIN_REFERENTIAL)


@pytest.fixture
def certifier(db):
    return ensure_certifier(name="OPS Conseil")


@pytest.fixture
def other_certifier(db):
    return ensure_certifier(name="Autre Certificateur")


@pytest.fixture
def partner(certifier):
    return Organisation.objects.create(
        kind=OrganisationKind.PARTNER, name="Formation Plus", certifier=certifier
    )


def make_user(email, organisation=None, role=None, **extra):
    user = User.objects.create_user(email, PASSWORD, **extra)
    if organisation is not None:
        grant_role(user, organisation, role)
    return user


@pytest.fixture
def personas(certifier, other_certifier, partner):
    """One user per role, plus the administrator of another certifier."""
    return {
        "anonyme": None,
        "administrateur": make_user("admin@test.fr", certifier, Role.ADMIN),
        "responsable_epreuves": make_user("epreuves@test.fr", certifier, Role.EXAM_MANAGER),
        "jure": make_user("jure@test.fr", certifier, Role.JUROR),
        "partenaire": make_user("partenaire@test.fr", partner, Role.PARTNER_STAFF),
        "candidat": make_user("candidat@test.fr", certifier, Role.CANDIDATE),
        "admin_autre_certificateur": make_user("autre@test.fr", other_certifier, Role.ADMIN),
    }


@pytest.fixture(scope="session")
def builtin_document() -> dict:
    """The built-in referential read and checked once per session (the reading, not the
    loading, is the costly part: about 0.1 s each time)."""
    path = Path(settings.ACQUIS_BUILTIN_REFERENTIAL)
    result = fileformat.read_file(path)
    assert result.ok, result.errors
    return result.document


@pytest.fixture
def ops_version(certifier, builtin_file, builtin_document):
    """The built-in title loaded for the certifier, as `load_referential_file` does."""
    return load_document(
        copy.deepcopy(builtin_document),
        source_kind=SourceKind.FILE,
        source_name=builtin_file.name,
        owner=certifier,
    ).version


def module_world(build):
    """A module-scoped fixture giving `build(version)` (the built-in title loaded for the
    certifier "OPS Conseil"), built once inside a transaction held open for the module's
    tests (each runs in a savepoint, as usual) and rolled back at the end of the module.
    For arrangements the module's tests read and do not need to own: they take fresh
    instances from the database by their keys (those built here serve the whole module)."""

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker, tmp_path_factory, builtin_document):
        folder = tmp_path_factory.mktemp("world")
        atomic = transaction.atomic()
        with django_db_blocker.unblock():
            atomic.__enter__()
            try:
                with override_settings(
                    MEDIA_ROOT=folder / "media",
                    ACQUIS_PDF_SIGNING_KEY=folder / "absent" / "pdf-signing-key.pem",
                    ACQUIS_PDF_SIGNING_CERT=folder / "absent" / "pdf-signing-cert.pem",
                    ACQUIS_BADGE_KEY="",
                    ACQUIS_BADGE_KEY_FILE=folder / "absent" / "badges.key",
                    ACQUIS_CERTIFIER_KEYS_DIR=folder / "certifier-keys",
                ):
                    certifier = ensure_certifier(name="OPS Conseil")
                    version = load_document(
                        copy.deepcopy(builtin_document),
                        source_kind=SourceKind.FILE,
                        source_name=Path(settings.ACQUIS_BUILTIN_REFERENTIAL).name,
                        owner=certifier,
                    ).version
                    built = build(version)
            except BaseException:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                raise
        yield built
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

    return world


# A second title, shaped unlike the built-in one, owned by a second certifier (tests of a
# second certifier running its own title on the same installation).
CNS_FILE = REPO / "tests" / "data" / "referentials" / "cns-mediateur-numerique.yaml"


@pytest.fixture
def cns_certifier(db):
    return ensure_certifier(name="Coopérative Numérique du Sud", siret="73282932000074")


@pytest.fixture
def cns_version(cns_certifier):
    return load_referential_file(CNS_FILE, owner=cns_certifier).version


@pytest.fixture
def chromium_path():
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium introuvable ({CHROMIUM}) alors que le test navigateur s'exécute.")
    return str(CHROMIUM)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Django's cache (the API's rate-limit counters, keyed by client number and minute)
    starts empty for every test: a count left by an earlier test of the same process must not
    refuse this one's requests (with pytest-xdist, two such tests may run in the same minute)."""
    cache.clear()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploads go to a per-test folder, never to the developer's var/; no signing key unless
    the test installs one (the developer's demo keys under var/ are never read)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ACQUIS_PDF_SIGNING_KEY = tmp_path / "absent" / "pdf-signing-key.pem"
    settings.ACQUIS_PDF_SIGNING_CERT = tmp_path / "absent" / "pdf-signing-cert.pem"
    settings.ACQUIS_BADGE_KEY = ""
    settings.ACQUIS_BADGE_KEY_FILE = tmp_path / "absent" / "badges.key"
    settings.ACQUIS_CERTIFIER_KEYS_DIR = tmp_path / "certifier-keys"
