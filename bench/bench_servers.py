"""Production web server: gunicorn (sync workers, `acquis serve`) against granian (WSGI) on
our pages, same number of worker processes, same demo data.

One run per server, interleaved, three rounds (median reported):
1. A fresh SQLite database (temporary ACQUIS_VAR_DIR): `acquis migrate`, demo keys, `acquis
   demo`, `acquis collectstatic`, all with config.settings.prod (DEBUG off, checked), behind
   a simulated TLS proxy (X-Forwarded-Proto: https), as the production end-to-end test.
2. The server started with --workers N (default 2 × CPUs + 1, `acquis serve`'s rule), then
   `--clients` threads send `--requests` requests in all, spread over the pages below
   (anonymous public pages, the login form, a static file, the staff dashboard and the
   candidacy list and the juror's home, logged in); a new connection per request.
3. Reported: requests per second, p50 and p95 latency, errors, the server's CPU seconds
   (master and workers), its resident memory after the run, and the machine's load.

Not a load target (the performance issue has those): a comparison to choose the server.

Usage: bench_servers.py [--requests 600] [--clients 8] [--workers N] [--rounds 3] [--json F]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psutil

REPO = Path(__file__).resolve().parents[1]
BIN = REPO / ".venv" / "bin"
HOST = "acquis.example.fr"
PASSWORD = "demo-acquis-2026"  # noqa: S105 - the demo accounts' (README)
PAGES = [
    ("public", "/", None),
    ("connexion", "/connexion/", None),
    ("statique", None, None),  # the stylesheet's hashed name, read from a page
    ("gestion", "/gestion/", "admin@ops-conseil.demo"),
    ("candidatures", "/gestion/candidatures/", "admin@ops-conseil.demo"),
    ("jury", "/jury/", "jure@ops-conseil.demo"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ACQUIS_"))}
    env.pop("DATABASE_URL", None)
    return env | {
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"https://{HOST}",
        "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https",
        "ACQUIS_VAR_DIR": str(var),
        "ACQUIS_LOG_REQUESTS": "false",
        # The demo subscribes a webhook receiver on the loopback, in plain HTTP.
        "ACQUIS_WEBHOOK_ALLOW_HTTP": "true",
        "ACQUIS_SESSION_IDLE_MINUTES": "600",
    }


def run(env, *args) -> str:
    proc = subprocess.run(
        [str(BIN / "acquis"), *args], env=env, cwd=REPO, capture_output=True, text=True
    )
    if proc.returncode != 0:
        sys.exit(f"acquis {' '.join(args)} : échec\n{proc.stderr[-3000:]}")
    return proc.stdout


def request(port, method, path, cookies, form=None):
    headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Origin": f"https://{HOST}",
               "Referer": f"https://{HOST}{path}"}  # fmt: skip
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urlencode({**form, "csrfmiddlewaretoken": cookies["csrftoken"]})
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    for header in response.headers.get_all("Set-Cookie") or []:
        for name, morsel in SimpleCookie(header).items():
            cookies[name] = morsel.value
    return response.status, data


def login(port, email) -> dict:
    cookies: dict = {}
    request(port, "GET", "/connexion/", cookies)
    status, _ = request(
        port, "POST", "/connexion/", cookies, {"username": email, "password": PASSWORD}
    )
    assert status == 302, f"connexion de {email} : {status}"
    return cookies


def start(server: str, env, port: int, workers: int) -> subprocess.Popen:
    if server == "gunicorn":
        args = [
            str(BIN / "acquis"),
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ]
    else:
        args = [str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port",
                str(port), "--workers", str(workers), "--blocking-threads", "1", "--no-log",
                "config.wsgi:application"]  # fmt: skip
    process = subprocess.Popen(args, env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if request(port, "GET", "/sante/", {})[0] == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    sys.exit(f"{server} ne répond pas")


def tree(process) -> list[psutil.Process]:
    root = psutil.Process(process.pid)
    return [root, *root.children(recursive=True)]


def measure(server, env, workers, total, clients) -> dict:
    port = free_port()
    process = start(server, env, port, workers)
    try:
        sessions = {email: login(port, email) for _, _, email in PAGES if email}
        status, body = request(port, "GET", "/", {})
        css = re.search(rb'href="(/static/css/acquis\.[0-9a-f]{12}\.css)"', body)[1].decode()
        plan = [(name, path or css, sessions.get(email, {})) for name, path, email in PAGES]
        for _name, path, cookies in plan:  # warm every worker's caches a little
            for _ in range(workers):
                request(port, "GET", path, dict(cookies))
        cpu_before = sum(sum(p.cpu_times()[:2]) for p in tree(process))
        latencies: dict[str, list[float]] = {name: [] for name, _, _ in plan}
        errors = []
        counter = iter(range(total))
        lock = threading.Lock()

        def client():
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                name, path, cookies = plan[i % len(plan)]
                started = time.perf_counter()
                status, _ = request(port, "GET", path, dict(cookies))
                elapsed = time.perf_counter() - started
                with lock:
                    latencies[name].append(elapsed)
                    if status != 200:
                        errors.append((name, status))

        wall = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - wall
        processes = tree(process)
        cpu = sum(sum(p.cpu_times()[:2]) for p in processes) - cpu_before
        rss = sum(p.memory_info().rss for p in processes) / 1e6
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    every = sorted(x for values in latencies.values() for x in values)
    return {
        "rps": total / wall,
        "p50_ms": 1000 * every[len(every) // 2],
        "p95_ms": 1000 * every[int(len(every) * 0.95)],
        "errors": len(errors),
        "wall_s": wall,
        "server_cpu_s": cpu,
        "rss_mb": rss,
        "by_page_p50_ms": {k: 1000 * statistics.median(v) for k, v in latencies.items()},
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="gunicorn contre granian sur nos pages.")
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2 * len(os.sched_getaffinity(0)) + 1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="acquis-bench-servers-") as tmp:
        env = environment(Path(tmp))
        print("Base de démonstration (migrate, clés, demo, collectstatic)…", flush=True)
        run(env, "migrate", "--no-input", "-v0")
        run(env, "credentials_key")
        run(env, "credentials", "keygen")
        run(env, "demo")
        run(env, "collectstatic", "--no-input", "-v0")
        debug = run(env, "shell", "-c", "from django.conf import settings; print(settings.DEBUG)")
        assert debug.strip().splitlines()[-1] == "False", "DEBUG doit être désactivé"
        results: dict[str, list[dict]] = {"gunicorn": [], "granian": []}
        for round_ in range(args.rounds):
            for server in results:
                load = os.getloadavg()[0]
                result = measure(server, env, args.workers, args.requests, args.clients)
                result["load_before"] = load
                results[server].append(result)
                print(f"  tour {round_ + 1} {server:8} : {result['rps']:6.1f} req/s, p50 "
                      f"{result['p50_ms']:5.1f} ms, p95 {result['p95_ms']:6.1f} ms, CPU serveur "
                      f"{result['server_cpu_s']:5.1f} s, {result['rss_mb']:5.0f} Mo, "
                      f"erreurs {result['errors']}, charge {load:.2f}", flush=True)  # fmt: skip
    print(f"\nMédianes sur {args.rounds} tours ({args.workers} processus, {args.clients} "
          f"clients, {args.requests} requêtes) :")  # fmt: skip
    summary = {}
    for server, rounds in results.items():
        summary[server] = {
            key: statistics.median(r[key] for r in rounds)
            for key in ("rps", "p50_ms", "p95_ms", "server_cpu_s", "wall_s", "rss_mb", "errors")
        }
        s = summary[server]
        print(f"  {server:8} : {s['rps']:6.1f} req/s, p50 {s['p50_ms']:5.1f} ms, p95 "
              f"{s['p95_ms']:6.1f} ms, mur {s['wall_s']:5.1f} s, CPU serveur "
              f"{s['server_cpu_s']:5.1f} s, {s['rss_mb']:5.0f} Mo, "
              f"erreurs {s['errors']:.0f}")  # fmt: skip
    if args.json:
        Path(args.json).write_text(json.dumps({"rounds": results, "median": summary}, indent=2))
    return 1 if any(s["errors"] for s in summary.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
