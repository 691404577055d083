"""Load bench: the production server on PostgreSQL under 50 virtual users for 60 seconds.

1. A PostgreSQL database of its own (--database, default acquis_bench_load on the local
   server; dropped at the end unless --keep-database), the production settings behind a
   simulated TLS proxy (X-Forwarded-Proto: https): `acquis migrate`, keys, static files,
   `acquis demo`, then the demo copied in bulk up to --candidacies candidacies, 50 sessions
   and 100 deliberations (`bench_pages.scale`), and one verified session (second factor
   given) per audience, written straight into the session store.
2. The server as docs/deployment.md runs it: `acquis serve` (gunicorn, sync workers,
   --workers 4) bound to 127.0.0.1, and one `acquis db_worker` beside it.
3. --users virtual users (threads, one keep-alive connection each, 127.0.0.1 only) for
   --seconds: staff (dashboard, candidacy list and search, a candidacy, sessions,
   deliberations), jurors (their home and grid, and the grid's autosave: a POST of one
   criterion, each juror on a criterion of its own), candidates (their file) and anonymous
   visitors (home, a referential). Each user waits --think seconds between requests on
   average (uniform between 0 and twice that: 5 s by default, a person reading a page before
   the next click; --think 0.5 is a stress test, each user clicking twice a second), and
   starts within one such pause. Before
   the clock starts, every page is requested 2 × --workers times in a row (a warm-up:
   each web process has imported its views and compiled its templates, as on a server
   up for a while; its errors count, its times do not).
4. Reported: errors (target 0), p50/p95 measured at the client for the pages (target p95 <
   300 ms) and for the autosave (target p95 < 100 ms), throughput, resident memory of the
   web processes and of the worker after the run, the machine's load before and after.

Exit status 1 when a target is missed, 2 when the setup fails.

Usage: bench_load.py [--users 50] [--seconds 60] [--candidacies 5000] [--workers 4]
                     [--think 5] [--database URL] [--json RESULTS.json]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

import benchkit as kit

REPO = kit.REPO
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/acquis_bench_load"
PAGE_P95_MS, AUTOSAVE_P95_MS = 300.0, 100.0
STAFF, JUROR, CANDIDATE = (
    "epreuves@ops-conseil.demo",
    "jure@ops-conseil.demo",
    "ines.moreau@exemple.fr",
)
# Share of the virtual users per audience.
MIX = (("personnel", 0.4), ("juré", 0.3), ("candidat", 0.2), ("public", 0.1))


def setup(candidacies: int) -> dict:
    """In the production environment: scale the demo, open one verified session per person,
    and list the pages and the autosave targets."""
    import django

    django.setup()
    kit.check_production()
    import bench_pages
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from acquis.evaluations.models import Grid, GridMark
    from acquis.organisations.models import User

    scaled = bench_pages.scale(candidacies, 50, 100)

    def session_for(email: str) -> str:
        user = User.objects.get(email=email)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="banc", confirmed=True)
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
        store.create()
        return store.session_key

    pages = {
        audience: [path for a, _label, _login, path in bench_pages.pages() if a == audience]
        for audience, _share in MIX
    }
    marks = list(
        GridMark.objects.filter(grid__juror__user__email=JUROR, grid__status="draft", locked=False)
        .order_by("grid_id", "position")
        .values("grid_id", "pk", "revision")
    )
    draft = Grid.objects.filter(juror__user__email=JUROR, status="draft").first()
    if draft is not None:
        pages["juré"].append(f"/jury/grilles/{draft.pk}/")
    return scaled | {
        # The logged-in people's session keys ("sessions" is the count of evaluation sessions).
        "logins": {
            a: session_for(e)
            for a, e in (("personnel", STAFF), ("juré", JUROR), ("candidat", CANDIDATE))
        },  # fmt: skip
        "pages": pages,
        "marks": marks,
    }


class VirtualUser(threading.Thread):
    def __init__(self, n, port, audience, plan, mark, csrf, until, think):
        super().__init__(daemon=True)
        self.n, self.port, self.audience, self.plan = n, port, audience, plan
        self.mark, self.csrf, self.until, self.think = mark, csrf, until, think
        self.pages: list[float] = []
        self.saves: list[float] = []
        self.errors: list[str] = []
        self.random = random.Random(n)

    def headers(self) -> dict:
        headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
        session = self.plan["logins"].get(self.audience)
        if session:
            headers["Cookie"] = f"sessionid={session}; csrftoken={self.csrf}"
        return headers

    def one(self, conn, method, path, body=None, extra=None) -> float:
        headers = self.headers() | (extra or {})
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            self.errors.append(f"{method} {path} : HTTP {response.status}")
        return elapsed

    def autosave(self, conn, i) -> None:
        mark = self.mark
        path = f"/jury/grilles/{mark['grid_id']}/criteres/{mark['pk']}/"
        body = urlencode({
            f"acquis-{mark['pk']}": "oui" if i % 2 else "non",
            f"commentaire-{mark['pk']}": f"Observation {i} : reformule, questionne, synthétise.",
            f"revision-{mark['pk']}": str(mark["revision"]),
        })  # fmt: skip
        extra = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": self.csrf,
            "HX-Request": "true",
            "Origin": "https://127.0.0.1",
        }
        before = len(self.errors)
        self.saves.append(self.one(conn, "POST", path, body, extra))
        if len(self.errors) == before:
            mark["revision"] += 1

    def run(self) -> None:
        paths = self.plan["pages"][self.audience]
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        i = 0
        try:
            # People do not all click in the same millisecond: each starts within one pause.
            time.sleep(self.random.uniform(0, 2 * self.think))
            while time.monotonic() < self.until:
                i += 1
                if self.mark is not None and i % 2 == 0:
                    self.autosave(conn, i)
                else:
                    self.pages.append(self.one(conn, "GET", self.random.choice(paths)))
                time.sleep(self.random.uniform(0, 2 * self.think))
        except Exception as exc:  # noqa: BLE001 (counted as an error)
            self.errors.append(repr(exc))
        finally:
            conn.close()


def warm_up(port: int, plan: dict, csrf: str, rounds: int) -> list[str]:
    """Every page of every audience `rounds` times, one after the other, before the clock
    starts (not measured): a web process imports its views and compiles its templates on its
    first requests, which a server that has been up for a while has long done. Errors count."""
    errors: list[str] = []
    for audience, paths in plan["pages"].items():
        user = VirtualUser(0, port, audience, plan, None, csrf, 0, 0)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            for _ in range(rounds):
                for path in paths:
                    user.one(conn, "GET", path)
        finally:
            conn.close()
        errors += user.errors
    return errors


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("le serveur s'est arrêté au démarrage")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/sante/", headers={"Host": "127.0.0.1"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    sys.exit("le serveur ne répond pas")


def rss_mb(process: subprocess.Popen) -> float:
    import psutil

    root = psutil.Process(process.pid)
    return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)]) / 1e6


def database(url: str, action: str) -> None:
    import psycopg
    from psycopg import sql

    name = urlparse(url).path.lstrip("/")
    admin = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if action == "create":
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--candidacies", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--think", type=float, default=5.0, help="mean pause (s) per user")
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        print(json.dumps(setup(args.candidacies)))
        return 0
    if urlparse(args.database).hostname not in ("127.0.0.1", "localhost"):
        sys.exit("--database : un serveur PostgreSQL local seulement (127.0.0.1)")
    tmp = Path(tempfile.mkdtemp(prefix="acquis-bench-load-"))
    env = kit.prod_env(
        tmp,
        DATABASE_URL=args.database,
        DB_CONN_MAX_AGE="60",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https",
        ACQUIS_SESSION_IDLE_MINUTES="600",
    )
    load_before = kit.load()
    print(f"Avant : {kit.load_line()}", flush=True)
    processes: list[subprocess.Popen] = []
    try:
        database(args.database, "create")
        started = time.perf_counter()
        kit.prepare_demo(env)
        proc = subprocess.run(
            [sys.executable, __file__, "--setup", "--candidacies", str(args.candidacies)],
            env=env | {"PYTHONPATH": os.pathsep.join([str(REPO / "bench"), env["PYTHONPATH"]])},
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            return 2
        plan = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"Données : {plan['candidacies']} candidatures, {plan['sessions']} sessions, "
            f"{plan['deliberations']} délibérations ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        port = free_port()
        acquis = kit.acquis_command()
        web = subprocess.Popen(
            [acquis, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)],
            env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        processes.append(web)
        worker = subprocess.Popen(
            [acquis, "db_worker", "--no-reload"], env=env, cwd=REPO,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        processes.append(worker)
        wait_http(port, web)
        csrf = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret
        warm_errors = warm_up(port, plan, csrf, rounds=2 * args.workers)
        counts = {a: round(args.users * share) for a, share in MIX}
        counts["personnel"] += args.users - sum(counts.values())
        users, marks, n = [], list(plan["marks"]), 0
        until = time.monotonic() + args.seconds
        for audience, count in counts.items():
            for _ in range(count):
                mark = marks.pop(0) if audience == "juré" and marks else None
                users.append(VirtualUser(n, port, audience, plan, mark, csrf, until, args.think))
                n += 1
        wall = time.perf_counter()
        for user in users:
            user.start()
        for user in users:
            user.join()
        wall = time.perf_counter() - wall
        memory = {"web": rss_mb(web), "worker": rss_mb(worker)}
    finally:
        for process in processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=60)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(tmp, ignore_errors=True)
        if not args.keep_database:
            database(args.database, "drop")
    pages = [t for u in users for t in u.pages]
    saves = [t for u in users for t in u.saves]
    errors = warm_errors + [e for u in users for e in u.errors]
    result = {
        "users": args.users,
        "seconds": args.seconds,
        "workers": args.workers,
        "requests": len(pages) + len(saves),
        "throughput_rps": (len(pages) + len(saves)) / wall,
        "errors": len(errors),
        "error_samples": errors[:10],
        "pages": {"count": len(pages), "p50_ms": percentile(pages, 0.5),
                  "p95_ms": percentile(pages, 0.95)},
        "autosave": {"count": len(saves), "p50_ms": percentile(saves, 0.5),
                     "p95_ms": percentile(saves, 0.95), "users": sum(bool(u.mark) for u in users)},
        "rss_mb": memory,
        "load_before": load_before,
        "load_after": kit.load(),
    }  # fmt: skip
    print(
        f"{args.users} utilisateurs ({', '.join(f'{a} {c}' for a, c in counts.items())}), "
        f"{args.seconds:.0f} s, {args.workers} processus web"
    )
    print(
        f"Requêtes : {result['requests']} ({result['throughput_rps']:.1f}/s), "
        f"erreurs : {len(errors)}"
    )
    for error in errors[:10]:
        print(f"  {error}")
    print(
        f"Pages : {len(pages)}, p50 {result['pages']['p50_ms']:.0f} ms, "
        f"p95 {result['pages']['p95_ms']:.0f} ms (cible < {PAGE_P95_MS:.0f} ms)"
    )
    print(
        f"Enregistrement automatique : {len(saves)} ({result['autosave']['users']} jurés), "
        f"p50 {result['autosave']['p50_ms']:.0f} ms, p95 {result['autosave']['p95_ms']:.0f} ms "
        f"(cible < {AUTOSAVE_P95_MS:.0f} ms)"
    )
    print(f"Mémoire après : web {memory['web']:.0f} Mo, traitement {memory['worker']:.0f} Mo")
    print(f"Après : {kit.load_line()}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    missed = (
        errors
        or result["pages"]["p95_ms"] >= PAGE_P95_MS
        or (saves and result["autosave"]["p95_ms"] >= AUTOSAVE_P95_MS)
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
