"""Benchmark of the RNCP import against a bare lxml pass over the same export.

In one run, on one synthetic export of --fiches fiches (bench/gen_rncp_export.py):
  (a)  a bare lxml iterparse pass (FICHE end events, clear, nothing else);
  (a') acquis.referential.rncp alone: iter_fiches + fiche_to_document (no database);
  (b)  `acquis referential import-rncp FILE` against a fresh SQLite database;
  (c)  the same import with --dry-run, against another copy of the fresh database.
Each measured command runs in its own child, started by a fresh intermediate Python process
that reports the child's wall time and peak RSS (getrusage(RUSAGE_CHILDREN).ru_maxrss of a
process whose only child is the measured one).

Targets: peak RSS < 250 MB and import time / bare time <= 3, for (b) and (c); the script
exits with status 1 when one is missed, 2 when a command fails. The CPU time (user + system,
the parsing child of (b) included) is printed too, for information: unlike the wall time, it
hardly moves when other work loads the machine.

Usage: bench_rncp_import.py [--fiches 30000] [--keep FILE] [--json RESULTS.json] [--runs N]
The four measures are run --runs times (default 3), interleaved; each row reports the
median of its wall times and of its CPU times, and its highest peak RSS. The Django commands
run with the production settings (benchkit.py), DEBUG off (checked through `acquis shell`
in the same environment before measuring); the machine's load is printed before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import benchkit as kit
import lxml.etree
from gen_rncp_export import DEFAULT_SEED, generate

REPO = Path(__file__).resolve().parents[1]
MAX_RSS_MB = 250
MAX_RATIO = 3.0

# Runs argv[1] (JSON list) as its only child; prints wall time and the child's peak RSS.
MEASURE = """
import json, resource, subprocess, sys, time
cmd, env = json.loads(sys.argv[1]), json.loads(sys.argv[2])
start = time.perf_counter()
proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the child and what it waited for
peak_kib = usage.ru_maxrss  # KiB on Linux
print(json.dumps({"wall": wall, "peak_kib": peak_kib, "returncode": proc.returncode,
                  "cpu": usage.ru_utime + usage.ru_stime,
                  "stdout": proc.stdout[-3000:], "stderr": proc.stderr[-3000:]}))
"""

BARE = """
import sys
from lxml import etree
count = 0
for _event, elem in etree.iterparse(sys.argv[1], events=("end",), tag="FICHE",
                                    resolve_entities=False, no_network=True,
                                    load_dtd=False, huge_tree=True):
    count += 1
    elem.clear(keep_tail=True)
    while elem.getprevious() is not None:
        del elem.getparent()[0]
print(count)
"""

PARSE = """
import sys
sys.path.insert(0, sys.argv[2])
from acquis.referential.rncp import fiche_to_document, iter_fiches
fiches = documents = blocks = competencies = 0
for fiche in iter_fiches(sys.argv[1]):
    fiches += 1
    document, _message = fiche_to_document(fiche)
    if document is not None:
        documents += 1
        blocks += len(document["blocks"])
        competencies += sum(len(b["competencies"]) for b in document["blocks"])
print(fiches, documents, blocks, competencies)
"""


def measure(cmd: list[str], env: dict[str, str]) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, json.dumps(cmd), json.dumps(env)],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    result["peak_mb"] = result["peak_kib"] * 1024 / 1e6
    return result


def acquis_command() -> str:
    for candidate in (Path(sys.executable).with_name("acquis"), REPO / ".venv" / "bin" / "acquis"):
        if candidate.exists():
            return str(candidate)
    found = shutil.which("acquis")
    if not found:
        sys.exit("commande « acquis » introuvable (environnement virtuel du projet ?)")
    return found


def django_env(var_dir: Path) -> dict[str, str]:
    # A certifier runs imports on a production configuration: DEBUG off (with DEBUG on,
    # Django formats and keeps the SQL of every statement, big JSON parameters included).
    return kit.prod_env(var_dir)


def fail(label: str, result: dict) -> None:
    print(f"\nÉCHEC de la commande {label} (code {result['returncode']}) :", file=sys.stderr)
    print(result["stderr"] or result["stdout"], file=sys.stderr)
    sys.exit(2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Banc de mesure de l'import RNCP.")
    parser.add_argument("--fiches", type=int, default=30_000, help="fiches de l'export généré")
    parser.add_argument(
        "--keep", metavar="FICHIER", help="réutiliser cet export s'il existe, sinon l'y générer"
    )
    parser.add_argument("--json", metavar="FICHIER", help="écrire les résultats en JSON")
    parser.add_argument(
        "--runs",
        "--repeat",
        dest="repeat",
        type=int,
        default=kit.RUNS,
        help="répétitions entrelacées ; la médiane est retenue",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="acquis-bench-rncp-") as tmp:
        tmp = Path(tmp)
        export = Path(args.keep) if args.keep else tmp / "export_fiches_RNCP_synthetique.xml"
        if export.exists():
            print(f"Export réutilisé : {export}")
            generated = None
        else:
            print(f"Génération de {args.fiches} fiches dans {export} ...", flush=True)
            start = time.perf_counter()
            generated = generate(export, fiches=args.fiches, seed=DEFAULT_SEED)
            generated["seconds"] = time.perf_counter() - start
        size_mb = export.stat().st_size / 1e6

        acquis = acquis_command()
        fresh = tmp / "var-fresh"
        print("Base SQLite neuve (acquis migrate) ...", flush=True)
        migrated = subprocess.run(
            [acquis, "migrate", "--noinput"], env=django_env(fresh), capture_output=True, text=True
        )
        if migrated.returncode != 0:
            fail("acquis migrate", {**vars(migrated), "returncode": migrated.returncode})
        kit.check_command_env(django_env(fresh))
        print(f"Avant : {kit.load_line()}", flush=True)
        plain_env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        steps = [
            ("(a) lxml iterparse nu", [sys.executable, "-c", BARE, str(export)], None),
            (
                "(a') iter_fiches + fiche_to_document",
                [sys.executable, "-c", PARSE, str(export), str(REPO)],
                None,
            ),
            (
                "(b) acquis referential import-rncp",
                [acquis, "referential", "import-rncp", str(export)],
                "var-import",
            ),
            (
                "(c) import-rncp --dry-run",
                [acquis, "referential", "import-rncp", str(export), "--dry-run"],
                "var-dry",
            ),
        ]
        # Repeats are interleaved so that every row sees the same changes of load; each
        # row reports its median time and its highest peak RSS.
        best: dict[str, dict] = {}
        db_mb = None
        for turn in range(1, args.repeat + 1):
            for label, cmd, var in steps:
                print(f"Mesure {label} ({turn}/{args.repeat}) ...", flush=True)
                env = plain_env
                if var:
                    shutil.rmtree(tmp / var, ignore_errors=True)
                    shutil.copytree(fresh, tmp / var)  # a fresh database every time
                    env = django_env(tmp / var)
                result = measure(cmd, env)
                if result["returncode"] != 0:
                    fail(label, result)
                if var == "var-import":
                    db_mb = (tmp / var / "acquis.sqlite3").stat().st_size / 1e6
                kept = best.setdefault(label, {"label": label, **result, "walls": [], "cpus": []})
                kept["walls"].append(result["wall"])
                kept["wall"] = kit.median(kept["walls"])
                kept["cpus"].append(result["cpu"])
                kept["cpu"] = kit.median(kept["cpus"])
                kept["peak_mb"] = max(kept["peak_mb"], result["peak_mb"])
                if var:
                    shutil.rmtree(tmp / var, ignore_errors=True)
        rows = list(best.values())

    bare = rows[0]
    fiches = int(bare["stdout"].split()[0])
    for row in rows:
        row["ratio"] = row["wall"] / bare["wall"]
        row["cpu_ratio"] = row["cpu"] / bare["cpu"]

    print()
    print(
        f"Export : {fiches} fiches, {size_mb:.1f} Mo"
        + (f" (généré en {generated['seconds']:.0f} s)" if generated else "")
    )
    if generated:
        print(
            f"         {generated['rncp']} RNCP dont {generated['rncp_without_blocks']} sans "
            f"blocs, {generated['rs']} RS, {generated['blocks']} blocs"
        )
    parsed = rows[1]["stdout"].split()
    print(f"Documents produits : {parsed[1]}, {parsed[2]} blocs, {parsed[3]} compétences")
    print(f"Après : {kit.load_line()} ; médiane de {args.repeat} exécution(s)")
    print()
    print(
        f"{'mesure':42s} {'durée (s)':>10s} {'RSS max (Mo)':>13s} {'ratio / nu':>11s}"
        f" {'CPU (s)':>8s} {'CPU / nu':>9s}"
    )
    for row in rows:
        print(
            f"{row['label']:42s} {row['wall']:10.1f} {row['peak_mb']:13.0f} {row['ratio']:11.2f}"
            f" {row['cpu']:8.1f} {row['cpu_ratio']:9.2f}"
        )
    if args.repeat > 1:
        print("durées de chaque répétition (s) :")
        for row in rows:
            print(f"  {row['label']:40s} " + "  ".join(f"{w:.1f}" for w in row["walls"]))
    print()
    for row in rows[2:]:
        summary = row["stdout"].strip().splitlines()
        print(f"{row['label']} : {summary[-1] if summary else '(aucune sortie)'}")
    if db_mb is not None:
        print(f"Base SQLite après import : {db_mb:.0f} Mo")

    missed = []
    for row in rows[2:]:
        if row["peak_mb"] >= MAX_RSS_MB:
            missed.append(f"{row['label']} : RSS max {row['peak_mb']:.0f} Mo ≥ {MAX_RSS_MB} Mo")
        if row["ratio"] > MAX_RATIO:
            missed.append(f"{row['label']} : ratio {row['ratio']:.2f} > {MAX_RATIO:g}")
    print()
    print(f"Objectifs : RSS max < {MAX_RSS_MB} Mo et durée import / lxml nu ≤ {MAX_RATIO:g}")
    for line in missed:
        print("  MANQUÉ  " + line)
    if not missed:
        print("  atteints")

    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "date": datetime.now(UTC).isoformat(timespec="seconds"),
                    "machine": {
                        "cpus": os.cpu_count(),
                        "python": platform.python_version(),
                        "lxml": ".".join(map(str, lxml.etree.LXML_VERSION)),
                        "libxml2": ".".join(map(str, lxml.etree.LIBXML_VERSION)),
                    },
                    "export": {"fiches": fiches, "mb": size_mb, "generated": generated},
                    "repeat": args.repeat,
                    "load_after": kit.load(),
                    "sqlite_mb": db_mb,
                    "rows": [
                        {
                            k: row[k]
                            for k in (
                                "label",
                                "wall",
                                "walls",
                                "peak_mb",
                                "ratio",
                                "cpu",
                                "cpus",
                                "cpu_ratio",
                                "stdout",
                            )
                        }
                        for row in rows
                    ],
                    "missed": missed,
                },
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
