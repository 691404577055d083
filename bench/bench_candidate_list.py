"""Benchmark of the staff candidate list (/gestion/candidatures/) with 10,000 candidacies.

One run, in a fresh SQLite database (temporary ACQUIS_VAR_DIR) with the production settings
(benchkit.py: DEBUG off, checked inside the driver): `acquis migrate`, keys, static files,
`acquis demo` (certifier, referential, 12 demo candidacies), then this script with --driver, which
adds candidacies in bulk up to --candidacies (bulk inserts: the page is what is measured, not
the registration), logs in the demo exam manager with Django's test client and serves the
list: first page, a middle page, a name search and a status filter, --repeat times each after
one warm-up. It reports the median wall and CPU time and the worst time per variant and the
number of SQL queries, at 12 candidacies and at the full count (the query count must not
change), and the machine's load.

Target: the page served in under 300 ms (median) with 10,000 candidacies; exit status 1 if
missed or if the query count grows with the number of candidacies.

Usage: bench_candidate_list.py [--candidacies 10000] [--repeat 15] [--json RESULTS.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchkit as kit

REPO = kit.REPO
TARGET_MS = 300.0
VARIANTS = {
    "première page": "",
    "page 100": "?page=100",
    "recherche par nom": "?q=moreau",
    "filtre par état": "?etat=in_progress",
}


def driver(total: int, repeat: int) -> dict:
    import django

    django.setup()
    kit.check_production()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from acquis.candidates.models import Candidacy, Candidate, identity_key
    from acquis.referential.models import CertificationVersion

    client = kit.verified_client("epreuves@ops-conseil.demo")

    def measure() -> dict:
        out = {}
        for label, query in VARIANTS.items():
            url = "/gestion/candidatures/" + query
            client.get(url)  # warm-up
            times, cpus = [], []
            for _ in range(repeat):
                with kit.Clock() as clock:
                    response = client.get(url)
                times.append(clock.wall * 1000)
                cpus.append(clock.cpu * 1000)
                assert response.status_code == 200, (url, response.status_code)
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            out[label] = {
                "median_ms": statistics.median(times),
                "cpu_ms": statistics.median(cpus),
                "max_ms": max(times),
                "queries": len(ctx),
            }
        return out

    small = measure()
    version = CertificationVersion.objects.get()
    template = Candidacy.objects.select_related("candidate").first()
    certifier = template.candidate.certifier
    existing = Candidacy.objects.count()
    names = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Moreau"]
    start = time.perf_counter()
    candidates = []
    for i in range(total - existing):
        birth = f"19{60 + i % 40:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        birth_name = f"{names[i % len(names)]}{i:05d}"
        candidates.append(
            Candidate(
                certifier=certifier,
                birth_name=birth_name,
                first_name="Camille",
                sex="F",
                birth_date=birth,
                birth_insee_code="69123",
                identity_key=identity_key(
                    birth_name, "Camille", __import__("datetime").date.fromisoformat(birth)
                ),
            )
        )
    Candidate.objects.bulk_create(candidates, batch_size=1000)
    statuses = ["registered", "in_progress", "awaiting_jury", "withdrawn"]
    Candidacy.objects.bulk_create(
        [
            Candidacy(
                candidate=c,
                version=version,
                pathway="training",
                access_mode="FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
                status=statuses[i % 4],
                registered_on="2026-09-01",
            )
            for i, c in enumerate(candidates)
        ],
        batch_size=1000,
    )
    setup_s = time.perf_counter() - start
    large = measure()
    return {
        "candidacies": Candidacy.objects.count(),
        "setup_s": setup_s,
        "small": small,
        "large": large,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidacies", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--driver", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.driver:
        print(json.dumps(driver(args.candidacies, args.repeat)))
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="acquis-bench-list-"))
    env = kit.prod_env(tmp)
    print(f"Avant : {kit.load_line()}", flush=True)
    try:
        kit.prepare_demo(env)
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--driver",
                "--candidacies",
                str(args.candidacies),
                "--repeat",
                str(args.repeat),
            ],
            env=env,
            capture_output=True,
            text=True,
            cwd=REPO,
            check=False,
        )
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            return 2
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"Liste des candidatures — {result['candidacies']} candidatures "
        f"(insertion en masse : {result['setup_s']:.1f} s)"
    )
    print(
        f"{'variante':22} {'médiane 12':>11} {'médiane N':>10} {'CPU N':>8} {'pire N':>8}"
        f" {'requêtes 12/N':>14}"
    )
    failed = False
    for label in VARIANTS:
        small, large = result["small"][label], result["large"][label]
        print(
            f"{label:22} {small['median_ms']:9.1f}ms {large['median_ms']:8.1f}ms "
            f"{large['cpu_ms']:6.1f}ms {large['max_ms']:6.1f}ms "
            f"{small['queries']:>7}/{large['queries']}"
        )
        failed |= large["median_ms"] > TARGET_MS or large["queries"] != small["queries"]
    print(
        f"Cible : médiane < {TARGET_MS:.0f} ms et nombre de requêtes constant — "
        + ("MANQUÉE" if failed else "atteinte")
    )
    print(f"Après : {kit.load_line()}")
    result["load_after"] = kit.load()
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
