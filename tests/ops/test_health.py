"""/sante/ and /sante/pret/: JSON, French messages, nothing secret; the worker's heartbeat;
`acquis serve` refusing to start on a misconfiguration; JSON-lines logs with the request id."""

import io
import json
import logging
import subprocess
import time

import pytest
from django.urls import reverse

from acquis.ops import health
from acquis.ops.heartbeat import Heartbeat
from acquis.ops.logs import JsonFormatter, RequestIdFilter
from acquis.ops.models import WorkerHeartbeat
from tests.credentials.batch_helpers import keys
from tests.ops.helpers import ACQUIS, REPO

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(settings, tmp_path, monkeypatch):
    keys(settings, tmp_path)
    monkeypatch.setattr(health, "_migrations_applied", False)
    return settings


def readiness(client):
    response = client.get(reverse("public:health_ready"))
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"].startswith("max-age=0")
    return response.status_code, response.json()


def test_liveness_touches_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("public:health_live"))
    assert response.json() == {"statut": "vivant"}


def test_the_probes_only_answer_get(client):
    for name in ("public:health_live", "public:health_ready"):
        assert client.post(reverse(name)).status_code == 405


def test_ready_with_a_live_worker(client, ready):
    heartbeat = Heartbeat("travailleur-1")
    started = time.monotonic()
    heartbeat.beat()
    code, body = readiness(client)
    elapsed = time.monotonic() - started
    assert code == 200 and body["statut"] == "pret", body
    checks = body["verifications"]
    assert set(checks) == {
        "base_de_donnees",
        "migrations",
        "stockage",
        "cles",
        "fichiers_statiques",
        "processus_de_traitement",
    }
    assert all(check["ok"] for check in checks.values())
    assert checks["migrations"]["en_attente"] == 0
    worker = checks["processus_de_traitement"]
    # The heartbeat's age is the time the probe took since the beat (its other checks take
    # their time on a loaded machine), not an older beat's.
    assert 0 <= worker.pop("age_secondes") <= elapsed + 1
    assert worker == {"ok": True, "critique": False, "processus": 1}
    heartbeat.stop()
    assert not WorkerHeartbeat.objects.exists()  # a stopped worker leaves no heartbeat


def test_without_a_worker_the_site_is_degraded_not_down(client, ready):
    code, body = readiness(client)
    assert code == 200 and body["statut"] == "degrade"
    assert body["verifications"]["processus_de_traitement"]["message"].startswith(
        "Aucun processus de traitement (acquis db_worker) n'a donné signe de vie"
    )


def test_an_unwritable_storage_and_missing_keys_make_it_unavailable(client, ready, tmp_path):
    blocker = tmp_path / "pas-un-dossier"
    blocker.write_text("un fichier là où le stockage attend un dossier")
    ready.MEDIA_ROOT = blocker
    ready.ACQUIS_PDF_SIGNING_KEY = tmp_path / "absente.pem"
    code, body = readiness(client)
    assert code == 503 and body["statut"] == "indisponible"
    checks = body["verifications"]
    assert checks["stockage"]["message"].startswith("Stockage des fichiers inutilisable")
    assert checks["cles"]["message"].startswith("Signature électronique impossible : clé")
    text = json.dumps(body)
    assert ready.SECRET_KEY not in text and "Traceback" not in text


def test_an_unreachable_database_is_said_once(client, ready, monkeypatch):
    from django.db import OperationalError, connections

    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "10.1.2.3", port 5432 failed')

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    code, body = readiness(client)
    assert code == 503
    checks = body["verifications"]
    assert checks["base_de_donnees"]["message"] == (
        "Base de données injoignable : vérifiez DATABASE_URL et que le serveur répond."
    )
    assert checks["migrations"]["message"] == "Non vérifié : base de données injoignable."
    assert "10.1.2.3" not in json.dumps(body)  # the detail goes to the log only


def test_pending_migrations_are_counted(client, ready, monkeypatch):
    class Behind:
        def __init__(self, connection):
            self.loader = type("L", (), {"graph": type("G", (), {"leaf_nodes": list})()})()

        def migration_plan(self, targets):
            return [("credentials", "0099"), ("ops", "0002")]

    monkeypatch.setattr(health, "MigrationExecutor", Behind)
    code, body = readiness(client)
    assert code == 503
    assert body["verifications"]["migrations"] == {
        "ok": False,
        "critique": True,
        "message": "2 migration(s) à appliquer : lancez « acquis migrate ».",
        "en_attente": 2,
    }


def test_serve_refuses_to_start_and_says_why(prod_site):
    env = {
        **prod_site.env,
        "DATABASE_URL": "postgres://acquis@127.0.0.1:1/acquis",  # nothing listens on port 1
        "ACQUIS_PDF_SIGNING_KEY": str(prod_site.var / "absente.pem"),
    }
    proc = subprocess.run(  # noqa: S603 - our own command
        [ACQUIS, "serve", "--workers", "1", "--bind", "127.0.0.1:1"],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "Acquis ne démarre pas :" in proc.stderr
    assert "- Base de données injoignable : vérifiez DATABASE_URL" in proc.stderr
    assert "- Signature électronique impossible : clé introuvable" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_json_lines_logs_carry_the_request_id(client, settings):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    requests = logging.getLogger("acquis.requests")
    requests.addHandler(handler)
    level = requests.level
    requests.setLevel(logging.INFO)
    try:
        response = client.get(reverse("public:health_live"), HTTP_X_REQUEST_ID="proxy-0001abcd")
        logging.getLogger("acquis.test").warning("hors requête")
    finally:
        requests.removeHandler(handler)
        requests.setLevel(level)
    line = json.loads(stream.getvalue().splitlines()[0])
    assert response["X-Request-ID"] == "proxy-0001abcd"
    assert line["request_id"] == "proxy-0001abcd" and line["level"] == "INFO"
    assert line["logger"] == "acquis.requests" and line["path"] == "/sante/"
    assert line["method"] == "GET" and line["status"] == 200 and "time" in line
    assert line["message"].startswith("GET /sante/ 200")
