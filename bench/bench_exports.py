"""Candidacy exports at a certifier's scale: the CSV (streamed) and the XLSX (write-only
workbook) of --candidacies candidacies, in production settings (benchkit.py).

1. A fresh SQLite database (temporary ACQUIS_VAR_DIR, `acquis migrate`), then a child process
   registers two candidacies through the services (the built-in referential, a promotion, a
   partner; one whole title, one by blocks) and copies them in bulk up to --candidacies
   (one in ten by blocks). Not timed.
2. Each export runs in its own fresh process, --runs times (interleaved CSV, XLSX, job): the
   process checks DEBUG is off, builds the staff user's queryset as the export page does
   (`access.candidacies`), writes the file to a temporary file through the same functions as
   the page (`stream_csv`, `write_xlsx`), and reports its wall time, CPU time (the export
   alone) and peak RSS (the whole process, Django included). "job" is the background path
   of an XLSX above ACQUIS_EXPORT_BACKGROUND_ROWS: the export job is requested as the page
   does (`export_jobs.request_export`, not timed), then `acquis db_worker --batch` runs in
   that process and writes the file into the private storage (timed: the worker's run).
3. Reported: the median of the runs for each figure, every run, the machine's load.

Targets: each export **< 10 s of CPU** and **peak RSS < 200 MB** (median of the runs); exit
status 1 when one is missed, 2 when a step fails.

Usage: bench_exports.py [--candidacies 50000] [--runs 3] [--json RESULTS.json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import benchkit as kit

MAX_CPU_S = 10.0
MAX_RSS_MB = 200.0
ADMIN = "admin-bench@exemple.fr"


def populate(total: int) -> dict:
    import django

    django.setup()
    kit.check_production()
    from datetime import date

    from django.conf import settings
    from django.db import transaction

    from acquis.candidates import services
    from acquis.candidates.enums import AccessMode, Pathway
    from acquis.candidates.models import Candidacy, Candidate
    from acquis.organisations.enums import Habilitation, OrganisationKind, Role
    from acquis.organisations.models import Organisation, User
    from acquis.organisations.services import ensure_certifier, grant_role
    from acquis.referential.services import load_referential_file

    with kit.Clock() as clock, transaction.atomic():
        certifier = ensure_certifier(name="OPS Conseil (banc)")
        version = load_referential_file(settings.ACQUIS_BUILTIN_REFERENTIAL, owner=certifier)
        version = version.version
        admin = User.objects.create_user(ADMIN, "banc-exports-2026")
        grant_role(admin, certifier, Role.ADMIN)
        cohort = services.create_cohort(certifier=certifier, version=version, name="Promo 2026")
        partner = Organisation.objects.create(
            kind=OrganisationKind.PARTNER,
            name="Formation Plus",
            certifier=certifier,
            habilitation=Habilitation.BOTH,
        )
        models = []
        for n, blocks in enumerate((None, ["B1", "B2"])):
            person = services.create_candidate(
                certifier=certifier,
                data={
                    "birth_name": ("Martin", "Bernard")[n],
                    "first_name": "Camille",
                    "sex": "F",
                    "birth_date": date(1990, 3, 14),
                    "birth_insee_code": "69123",
                    "birth_city": "Lyon",
                    "email": f"modele{n}@exemple.fr",
                    "phone": "+33 6 01 02 03 04",
                    "address": "12 rue de la République",
                    "postal_code": "69002",
                    "city": "Lyon",
                },
            )
            models.append(
                services.register_candidacy(
                    candidate=person,
                    version=version,
                    pathway=Pathway.TRAINING,
                    access_mode=AccessMode.CONTINUING,
                    block_codes=blocks,
                    cohort=cohort,
                    partner=partner,
                )
            )
        whole, by_blocks = models
        block_ids = list(by_blocks.blocks.values_list("pk", flat=True))
        through = Candidacy.blocks.through
        fields = {
            m: [f for f in m._meta.concrete_fields if not f.primary_key]
            for m in (Candidate, Candidacy)
        }

        def copy(obj, **changes):
            row = type(obj)(**{f.attname: getattr(obj, f.attname) for f in fields[type(obj)]})
            for name, value in changes.items():
                setattr(row, name, value)
            return row

        batch = 5000
        for start in range(0, total - 2, batch):
            numbers = range(start, min(start + batch, total - 2))
            people = Candidate.objects.bulk_create(
                copy(
                    whole.candidate,
                    birth_name=f"Nom{i:06d}",
                    first_name=f"Prénom{i % 97}",
                    identity_key=f"banc-{i}",
                    email=f"c{i}@exemple.fr",
                )  # fmt: skip
                for i in numbers
            )
            rows = Candidacy.objects.bulk_create(
                copy(by_blocks if i % 10 == 0 else whole, candidate_id=p.pk)
                for i, p in zip(numbers, people, strict=True)
            )
            through.objects.bulk_create(
                through(candidacy_id=c.pk, block_id=b)
                for c in rows
                if not c.whole_title
                for b in block_ids
            )
    return {"seconds": clock.wall, "candidacies": Candidacy.objects.count()}


def measure(fmt: str) -> dict:
    import django

    django.setup()
    kit.check_production()
    from django.conf import settings

    from acquis.candidates.exports import stream_csv, write_xlsx
    from acquis.organisations.models import User
    from acquis.www.staff import access

    user = User.objects.get(email=ADMIN)
    if fmt == "job":
        return measure_job(user)
    with tempfile.TemporaryFile() as out, kit.Clock() as clock:
        candidacies = access.candidacies(user)
        if fmt == "csv":
            for piece in stream_csv(candidacies):
                out.write(piece)
        else:
            write_xlsx(candidacies, out)
        size = out.tell()
    return {
        "format": fmt,
        "wall": clock.wall,
        "cpu": clock.cpu,
        "peak_mb": kit.peak_rss_mb(),
        "mb": size / 1e6,
        "debug": settings.DEBUG,
    }


def measure_job(user) -> dict:
    """The XLSX above the threshold: the staff's request (not timed), then the worker's real
    entry point (`acquis db_worker --batch`, in this process) takes the task and writes the
    file into the private storage; timed: the worker's run, from start to queue empty."""
    import io

    from django.conf import settings
    from django.core.management import call_command

    from acquis.candidates import export_jobs
    from acquis.organisations.scope import StaffScope
    from acquis.www.staff import access

    job = export_jobs.request_export(
        # The staff of one certifier: it is their current certifier without a choice.
        certifier=StaffScope(user).require_current(),
        certifier_ids=list(access.certifiers(user).values_list("pk", flat=True)),
        actor=user,
    )
    with kit.Clock() as clock:
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO()
        )
    job.refresh_from_db()
    assert job.is_ready and job.rows_done == job.rows_total, (job.status, job.error)
    return {
        "format": "job",
        "wall": clock.wall,
        "cpu": clock.cpu,
        "peak_mb": kit.peak_rss_mb(),
        "mb": job.file.size / 1e6,
        "debug": settings.DEBUG,
    }


def child(env, *args) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, cwd=kit.REPO
    )
    if proc.returncode != 0:
        print(proc.stderr[-3000:] or proc.stdout[-3000:], file=sys.stderr)
        sys.exit(2)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Banc des exports de candidatures.")
    parser.add_argument("--candidacies", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=kit.RUNS)
    parser.add_argument("--json", metavar="FICHIER")
    parser.add_argument("--populate", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", choices=["csv", "xlsx", "job"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.populate:
        print(json.dumps(populate(args.populate)))
        return 0
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0

    print(f"Avant : {kit.load_line()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="acquis-bench-exports-") as tmp:
        env = kit.prod_env(Path(tmp))
        migrated = subprocess.run(
            [kit.acquis_command(), "migrate", "--noinput", "-v0"],
            env=env,
            capture_output=True,
            text=True,
        )
        if migrated.returncode != 0:
            print(migrated.stderr[-3000:], file=sys.stderr)
            return 2
        print(f"{args.candidacies} candidatures ...", flush=True)
        built = child(env, "--populate", str(args.candidacies))
        print(f"  créées en {built['seconds']:.0f} s ({built['candidacies']} en base)")
        samples: dict[str, list] = {"csv": [], "xlsx": [], "job": []}
        for turn in range(1, args.runs + 1):
            for fmt in samples:
                result = child(env, "--measure", fmt)
                assert result["debug"] is False
                samples[fmt].append(result)
                print(
                    f"  {fmt} {turn}/{args.runs} : {result['wall']:.1f} s, CPU "
                    f"{result['cpu']:.1f} s, RSS {result['peak_mb']:.0f} Mo, "
                    f"{result['mb']:.1f} Mo",
                    flush=True,
                )
    after = kit.load()
    summary = {fmt: kit.summarise(runs) for fmt, runs in samples.items()}
    print()
    print(f"Après : {kit.load_line()}")
    print(f"Médiane de {args.runs} exécutions, {built['candidacies']} candidatures :")
    print(
        f"{'export':8s} {'durée (s)':>10s} {'CPU (s)':>8s} {'RSS max (Mo)':>13s}"
        f" {'fichier (Mo)':>13s}"
    )
    missed = []
    for fmt, row in summary.items():
        print(
            f"{fmt:8s} {row['wall']:10.1f} {row['cpu']:8.1f} {row['peak_mb']:13.0f}"
            f" {row['mb']:13.1f}"
        )
        if row["cpu"] >= MAX_CPU_S:
            missed.append(f"{fmt} : CPU {row['cpu']:.1f} s ≥ {MAX_CPU_S:g} s")
        if row["peak_mb"] >= MAX_RSS_MB:
            missed.append(f"{fmt} : RSS {row['peak_mb']:.0f} Mo ≥ {MAX_RSS_MB:g} Mo")
    print(f"Objectifs : CPU < {MAX_CPU_S:g} s et RSS max < {MAX_RSS_MB:g} Mo par export")
    for line in missed:
        print("  MANQUÉ  " + line)
    if not missed:
        print("  atteints")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "candidacies": built["candidacies"],
                    "load_after": after,
                    "exports": summary,
                    "missed": missed,
                },  # fmt: skip
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
