"""Benchmark of the grid autosave (saving one criterion) against a bare one-UPDATE view.

One run: a fresh database (SQLite file in a temporary ACQUIS_VAR_DIR by default; the
PostgreSQL database of DATABASE_URL when given, whose name must contain "bench": it is
emptied), built through the real services (`--setup`): the OPS Conseil referential, two
trained jurors, an opened session held today with --slots candidates at sitting E2, and
both jurors' grids. The real application is then served by waitress in a child process
(`--serve`), with production settings (`config.settings.prod`) plus a bench-only URLconf
and middleware (bench/autosave_settings.py, bench/autosave_urls.py): one bare view that
does one indexed UPDATE of a GridMark row, and a `Server-Timing` header giving each
request's server time (from the outermost middleware in to the response out).

--clients keep-alive HTTP clients (threads, each with a logged-in session cookie and the
CSRF token, each on its own criterion of its own grid) alternate phases of --phase seconds:
all of them save their criterion through the autosave URL (a fresh revision each time, the
value changing each time), then all of them call the bare view on another row of their
grid, and so on for --rounds rounds, so that both see the same machine load.

The measurement (all its rounds) runs --runs times (default 3) against the same servers; each
run gives the ratio of the median server times (wall) and of the median server CPU times
(per request, measured in the server by the timing middleware); the median of the runs is
the result, every run is printed, with the machine's load before and after. Each server
process checks that DEBUG is off before serving (benchkit.check_production).

Target: median server time of the autosave ≤ 3 × the bare view's, measured in the same run
(median of the runs). Exit status 1 if missed, 2 if a request fails (anything but 200).

Usage: bench_grid_autosave.py [--clients 20] [--rounds 4] [--phase 3] [--runs 3]
                              [--json RESULTS.json]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

import benchkit as kit

REPO = kit.REPO
BENCH = Path(__file__).resolve().parent
TARGET_RATIO = 3.0
PASSWORD = "banc-d-essai-grilles-2026"  # noqa: S105 (a throwaway bench database)


# --- setup (child process, Django configured) ------------------------------------------------


def setup(slots: int, clients: int) -> dict:
    import django

    django.setup()
    from datetime import date, datetime, time, timedelta

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from acquis.candidates import services as candidates
    from acquis.candidates.enums import AccessMode, Pathway
    from acquis.evaluations import grids, planning
    from acquis.evaluations import services as evaluations
    from acquis.organisations.enums import Role
    from acquis.organisations.models import User
    from acquis.organisations.services import ensure_certifier, grant_role
    from acquis.referential.services import load_referential_file

    call_command("migrate", verbosity=0)
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        call_command("flush", interactive=False, verbosity=0)
    certifier = ensure_certifier(name="OPS Conseil")
    version = load_referential_file(settings.ACQUIS_BUILTIN_REFERENTIAL, owner=certifier).version
    from tests.evaluation_factories import train
    from tests.factories import MINIMAL_PDF as pdf  # a well-formed one-page PDF

    jurors = []
    for i, (first, last, represents) in enumerate([("Anne", "Rep", True), ("Paul", "Pro", False)]):
        user = User.objects.create_user(
            f"jure{i}@bench.invalid", PASSWORD, first_name=first, last_name=last
        )
        grant_role(user, certifier, Role.JUROR)
        profile = evaluations.record_juror(
            user=user,
            certifier=certifier,
            sector="insertion",
            role="Conseiller emploi",
            years_experience=8,
            represents_certifier=represents,
            proof=SimpleUploadedFile("preuve.pdf", pdf, content_type="application/pdf"),
        )
        # Trained by the certifier's exam manager, attendance sheet attached (the rules).
        train(profile, version, on=date(2025, 1, 6))
        jurors.append(profile)

    today = timezone.localdate()
    session = evaluations.plan_session(
        certifier=certifier, version=version, title="Session du jour", on=today, place="Bron"
    )
    for profile in jurors:
        evaluations.add_panel_member(session, profile)
    e2 = version.assessments.get(code="E2")
    start = datetime.combine(today, time(7, 0), tzinfo=timezone.get_current_timezone())
    names = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Moreau"]
    for i in range(slots):
        person = candidates.create_candidate(
            certifier=certifier,
            data={
                "birth_name": f"{names[i % len(names)]}{chr(65 + i % 26)}",
                "first_name": "Camille",
                "sex": "F",
                "birth_date": date(1985, 1 + i % 12, 1 + i % 28),
                "birth_insee_code": "69123",
                "birth_city": "Lyon",
            },
        )
        candidacy = candidates.register_candidacy(
            candidate=person,
            version=version,
            pathway=Pathway.TRAINING,
            access_mode=AccessMode.CONTINUING,
        )
        candidates.move_candidacy(candidacy, "in_progress")
        planning.add_slot(
            session,
            assessment=e2,
            candidacy=candidacy,
            starts_at=start + timedelta(minutes=50 * i),
            duration_minutes=45,
        )
    evaluations.confirm_panel(session)
    planning.open_session(session, today=today)

    grid_list = [grids.ensure_grid(slot, juror) for slot in session.slots.all() for juror in jurors]
    out = []
    for n in range(clients):
        grid = grid_list[n % len(grid_list)]
        marks = list(grid.marks.order_by("position").values_list("pk", flat=True))
        user = grid.juror.user
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        # Jurors must give a second factor: the session carries a verified device.
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="banc", confirmed=True)
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
        store.create()
        # Clients sharing a grid (more clients than grids) take different criteria.
        turn = n // len(grid_list)
        out.append(
            {
                "grid": grid.pk,
                "mark": marks[2 * turn],
                "bare_mark": marks[2 * turn + 1],
                "session": store.session_key,
            }
        )
    return {
        "clients": out,
        "grids": len(grid_list),
        "criteria_per_grid": grid_list[0].marks.count(),
    }


# --- the server (child process) ---------------------------------------------------------------


def serve(port: int, threads: int) -> None:
    import logging

    import waitress

    # waitress warns at every queued request ("Task queue depth"): queueing is expected with
    # 20 clients on a few threads, and it is not part of the server time measured here.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    kit.check_production()  # in the measured server process: DEBUG really off
    waitress.serve(application, host="127.0.0.1", port=port, threads=threads, _quiet=True)


def create_postgres_database(url: str) -> None:
    """Create the bench's PostgreSQL database when it does not exist yet."""
    import psycopg
    from psycopg import sql

    name = urlparse(url).path.lstrip("/")
    admin = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("le serveur s'est arrêté au démarrage")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("le serveur ne répond pas")


# --- the clients ---------------------------------------------------------------------------


class BenchClient(threading.Thread):
    def __init__(self, port, spec, csrf, phases, barrier):
        super().__init__(daemon=True)
        self.port, self.spec, self.csrf = port, spec, csrf
        self.phases, self.barrier = phases, barrier
        # The grid's revision lives on the server across the --runs measurements: kept in the
        # spec (shared by the runs), a second run would otherwise send a stale revision (409).
        self.spec.setdefault("revision", 0)
        # (server wall ms, client ms, server CPU ms) per request
        self.samples: dict[str, list[tuple[float, float, float]]] = {"autosave": [], "bare": []}
        self.errors: list[str] = []

    def headers(self) -> dict:
        return {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"sessionid={self.spec['session']}; csrftoken={self.csrf}",
            "X-CSRFToken": self.csrf,
            "HX-Request": "true",
        }

    def request(self, conn, kind: str, n: int) -> None:
        mark = self.spec["mark"]
        if kind == "autosave":
            path = f"/jury/grilles/{self.spec['grid']}/criteres/{mark}/"
            body = {
                f"acquis-{mark}": "oui" if n % 2 else "non",
                f"commentaire-{mark}": f"Observation {n} : reformule, questionne, synthétise.",
                f"revision-{mark}": str(self.spec["revision"]),
            }
        else:
            path = f"/bench/bare/{self.spec['bare_mark']}/"
            body = {"commentaire": f"Observation {n} : reformule, questionne, synthétise."}
        start = time.perf_counter()
        conn.request("POST", path, body=urlencode(body), headers=self.headers())
        response = conn.getresponse()
        response.read()
        client_ms = (time.perf_counter() - start) * 1000
        if response.status != 200:
            self.errors.append(f"{kind} {path}: HTTP {response.status}")
            return
        if kind == "autosave":
            self.spec["revision"] += 1
        timing = dict(
            part.strip().split(";dur=") for part in response.getheader("Server-Timing").split(",")
        )
        self.samples[kind].append((float(timing["app"]), client_ms, float(timing["cpu"])))

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        n = 0
        try:
            for kind, seconds, keep in self.phases:
                self.barrier.wait()
                end = time.monotonic() + seconds
                while time.monotonic() < end and not self.errors:
                    n += 1
                    before = len(self.samples[kind])
                    self.request(conn, kind, n)
                    if not keep and len(self.samples[kind]) > before:
                        self.samples[kind].pop()  # warm-up: not recorded
        except Exception as exc:  # noqa: BLE001 (reported as a failed request)
            self.errors.append(repr(exc))
            self.barrier.abort()
        finally:
            conn.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure(ports: list[int], specs: list[dict], rounds: int, phase: float) -> dict:
    csrf = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret
    phases = [("autosave", 1.0, False), ("bare", 1.0, False)]  # warm-up
    for _ in range(rounds):
        phases += [("autosave", phase, True), ("bare", phase, True)]
    barrier = threading.Barrier(len(specs))
    clients = [
        BenchClient(ports[i % len(ports)], spec, csrf, phases, barrier)
        for i, spec in enumerate(specs)
    ]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    errors = [e for c in clients for e in c.errors]
    result: dict = {"errors": errors[:10], "error_count": len(errors)}
    for kind in ("autosave", "bare"):
        samples = [s for c in clients for s in c.samples[kind]]
        server = [s[0] for s in samples]
        client_side = [s[1] for s in samples]
        cpu = [s[2] for s in samples]
        result[kind] = {
            "requests": len(samples),
            "per_second": len(samples) / (rounds * phase) if samples else 0,
            "server_p50_ms": statistics.median(server) if server else float("nan"),
            "server_p95_ms": percentile(server, 0.95) if server else float("nan"),
            "server_cpu_p50_ms": statistics.median(cpu) if samples else float("nan"),
            "client_p50_ms": statistics.median(client_side) if samples else float("nan"),
            "client_p95_ms": percentile(client_side, 0.95) if samples else float("nan"),
        }
    return result


# --- main ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--runs", type=int, default=kit.RUNS)
    parser.add_argument("--phase", type=float, default=3.0, help="seconds per phase")
    parser.add_argument("--slots", type=int, default=10, help="candidates in the session")
    parser.add_argument("--workers", type=int, default=2, help="waitress processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per waitress process")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        print(json.dumps(setup(args.slots, args.clients)))
        return 0
    if args.serve:
        serve(args.serve, args.threads)
        return 0

    database = os.environ.get("DATABASE_URL", "")
    if database and "bench" not in urlparse(database).path:
        print(
            "DATABASE_URL : le nom de la base doit contenir « bench » (elle est vidée).",
            file=sys.stderr,
        )
        return 2
    if database:
        create_postgres_database(database)
    tmp = Path(tempfile.mkdtemp(prefix="acquis-bench-autosave-"))
    (tmp / "static").mkdir()  # WhiteNoise's STATIC_ROOT (no static file is requested)
    env = {
        **os.environ,
        "ACQUIS_VAR_DIR": str(tmp),
        "DJANGO_SETTINGS_MODULE": "autosave_settings",
        "PYTHONPATH": os.pathsep.join([str(BENCH), str(REPO)]),
        "ACQUIS_LOG_REQUESTS": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "SECURE_COOKIES": "0",  # plain HTTP on the loopback
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://127.0.0.1",
        "DB_CONN_MAX_AGE": os.environ.get("DB_CONN_MAX_AGE", "60"),
    }
    servers: list[subprocess.Popen] = []
    try:
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, __file__, "--setup", "--slots", str(args.slots),
             "--clients", str(args.clients)],
            env=env, cwd=REPO, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            return 2
        built = json.loads(proc.stdout.strip().splitlines()[-1])
        setup_s = time.perf_counter() - started
        ports = [free_port() for _ in range(args.workers)]
        for port in ports:
            servers.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        __file__,
                        "--serve",
                        str(port),
                        "--threads",
                        str(args.threads),
                    ],
                    env=env,
                    cwd=REPO,
                )  # fmt: skip
            )
        for port, server in zip(ports, servers, strict=True):
            wait_for(port, server)
        print(f"Avant : {kit.load_line()}", flush=True)
        runs = []
        for turn in range(args.runs):
            one = measure(ports, built["clients"], args.rounds, args.phase)
            auto, bare = one["autosave"], one["bare"]
            one["ratio_p50"] = (
                auto["server_p50_ms"] / bare["server_p50_ms"] if bare["requests"] else float("nan")
            )
            one["cpu_ratio_p50"] = (
                auto["server_cpu_p50_ms"] / bare["server_cpu_p50_ms"]
                if bare["requests"] and bare["server_cpu_p50_ms"]
                else float("nan")
            )
            print(
                f"  exécution {turn + 1} : rapport {one['ratio_p50']:.2f} (durée), "
                f"{one['cpu_ratio_p50']:.2f} (CPU)",
                flush=True,
            )
            runs.append(one)
        # The run whose ratio is the median one is shown in full.
        result = sorted(runs, key=lambda r: r["ratio_p50"])[len(runs) // 2]
    finally:
        for server in servers:  # only the servers this script started
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)

    engine = "PostgreSQL" if database else "SQLite (fichier, WAL)"
    auto, bare = result["autosave"], result["bare"]
    ratio = kit.median([r["ratio_p50"] for r in runs])
    result |= {
        "ratio_p50": ratio,
        "cpu_ratio_p50": kit.median([r["cpu_ratio_p50"] for r in runs]),
        "runs_ratio_p50": [r["ratio_p50"] for r in runs],
        "runs_cpu_ratio_p50": [r["cpu_ratio_p50"] for r in runs],
        "error_count": sum(r["error_count"] for r in runs),
        "database": engine,
        "clients": args.clients,
        "workers": args.workers,
        "threads": args.threads,
        "setup_s": setup_s,
        "grids": built["grids"],
        "criteria_per_grid": built["criteria_per_grid"],
        "load_average": os.getloadavg()[0],
        "load_after": kit.load(),
    }
    print(
        f"Enregistrement automatique d'un critère — {engine}, {args.clients} clients, "
        f"waitress {args.workers} processus × {args.threads} fil(s), {built['grids']} grilles de "
        f"{built['criteria_per_grid']} critères (préparation : {setup_s:.1f} s)"
    )
    print(
        f"{'requête':28} {'nombre':>7} {'req/s':>7} {'serveur p50':>12} {'serveur p95':>12} "
        f"{'CPU p50':>9} {'client p50':>11} {'client p95':>11}"
    )
    for label, row in (("enregistrement (autosave)", auto), ("vue nue (un UPDATE)", bare)):
        print(
            f"{label:28} {row['requests']:>7} {row['per_second']:>7.0f} "
            f"{row['server_p50_ms']:>10.2f}ms {row['server_p95_ms']:>10.2f}ms "
            f"{row['server_cpu_p50_ms']:>7.2f}ms "
            f"{row['client_p50_ms']:>9.2f}ms {row['client_p95_ms']:>9.2f}ms"
        )
    failed = not ratio <= TARGET_RATIO
    print(
        f"Rapport des médianes (serveur), médiane de {len(runs)} exécutions : {ratio:.2f} "
        f"(CPU : {result['cpu_ratio_p50']:.2f}) — cible ≤ {TARGET_RATIO:.0f} : "
        + ("MANQUÉE" if failed else "atteinte")
    )
    print(f"Après : {kit.load_line()}")
    if result["error_count"]:
        print(f"{result['error_count']} requête(s) en échec : {result['errors']}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    if result["error_count"]:
        return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
