"""Benchmark of the deliberation screen (/gestion/deliberations/<pk>/) with 300 candidates
× 4 blocks × 24 competencies, every competency with a consolidated result.

One run, in a fresh SQLite database (temporary ACQUIS_VAR_DIR), with the production settings
(benchkit.py: DEBUG off, checked inside the driver): `acquis migrate`, keys, static files,
`acquis demo`, then this script with --driver:

1. One candidacy is brought to "en attente du jury" through the real verbs
   (tests/juries/factories.py `ready_candidacy`: a session, its slots, every juror's grid
   submitted, the consolidation, 29 days of work placement and its attestation, the memoir
   with its parts confirmed, and its oral).
2. Its rows are copied in bulk for the other candidates, field by field, so that the rows
   the screen reads are those the verbs produce: Candidate, Candidacy (+ its 4 blocks),
   WorkPlacement, PlacementPeriod, Memoir (+ its part checks), Slot (+ its assessors),
   Consolidation, CompetencyResult. Grids,
   marks and consolidated marks are not copied: the deliberation screen does not read them
   (evidence.gather reads competency results and consolidations). Every 4th copy has its
   B3 competencies "non acquise" (a partial validation proposed).
3. A deliberation with a lawful jury (real verbs) lists 10 candidates (add_candidates),
   opens, every 2nd candidate gets the proposed decision (decisions.decide); the exam
   manager's page is served --repeat times after a warm-up; then 290 more candidates are
   added (half decided) and the page is measured again.

Targets: the page for 300 candidates in under 1 s (median), at most 15× the time for 10,
and the same number of SQL queries. Exit status 1 if missed.

Usage: bench_deliberation.py [--candidates 300] [--repeat 7] [--json RESULTS.json]
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
TARGET_MS = 1000.0
TARGET_RATIO = 15.0
SMALL = 10


def _clone(model, row, **changes):
    """A copy of a row produced by the verbs (same field values but the given ones)."""
    values = {
        f.attname: getattr(row, f.attname)
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname not in changes
    }
    return model(**values, **changes)


def _copies(template, count: int) -> list:
    """`count` candidacies whose rows copy the template's (see the module docstring)."""
    from acquis.candidates.models import (
        Candidacy,
        Candidate,
        Memoir,
        MemoirPartCheck,
        PlacementPeriod,
        WorkPlacement,
        identity_key,
    )
    from acquis.evaluations.models import CompetencyResult, Consolidation, Slot, SlotAssessor

    person = template.candidate
    candidates = []
    for i in range(count):
        birth_name = f"Banc{i:04d}"
        candidates.append(
            _clone(
                Candidate,
                person,
                birth_name=birth_name,
                usage_name="",
                email=f"banc{i}@exemple.fr",
                user_id=None,
                identity_key=identity_key(birth_name, person.first_name, person.birth_date),
            )
        )
    Candidate.objects.bulk_create(candidates, batch_size=500)
    candidacies = Candidacy.objects.bulk_create(
        [_clone(Candidacy, template, candidate_id=c.pk) for c in candidates], batch_size=500
    )
    blocks = list(template.blocks.all())
    Candidacy.blocks.through.objects.bulk_create(
        [
            Candidacy.blocks.through(candidacy_id=c.pk, block_id=b.pk)
            for c in candidacies
            for b in blocks
        ],
        batch_size=1000,
    )
    placement = WorkPlacement.objects.get(candidacy=template)
    placements = WorkPlacement.objects.bulk_create(
        [_clone(WorkPlacement, placement, candidacy_id=c.pk) for c in candidacies]
    )
    periods = list(placement.periods.all())
    PlacementPeriod.objects.bulk_create(
        [_clone(PlacementPeriod, p, placement_id=w.pk) for w in placements for p in periods]
    )
    memoir = Memoir.objects.get(candidacy=template)
    memoirs = Memoir.objects.bulk_create(
        [_clone(Memoir, memoir, candidacy_id=c.pk) for c in candidacies]
    )
    checks = list(memoir.checks.all())
    MemoirPartCheck.objects.bulk_create(
        [_clone(MemoirPartCheck, k, memoir_id=m.pk) for m in memoirs for k in checks],
        batch_size=1000,
    )
    slots = list(Slot.objects.filter(candidacy=template).select_related("consolidation"))
    new_slots = Slot.objects.bulk_create(
        [_clone(Slot, s, candidacy_id=c.pk, convoked_at=None) for c in candidacies for s in slots],
        batch_size=1000,
    )
    assessors = {s.pk: list(s.assessor_links.all()) for s in slots}
    SlotAssessor.objects.bulk_create(
        [
            _clone(SlotAssessor, link, slot_id=new.pk)
            for i, new in enumerate(new_slots)
            for link in assessors[slots[i % len(slots)].pk]
        ],
        batch_size=1000,
    )
    consolidations = Consolidation.objects.bulk_create(
        [
            _clone(Consolidation, slots[i % len(slots)].consolidation, slot_id=s.pk)
            for i, s in enumerate(new_slots)
        ],
        batch_size=1000,
    )
    by_slot = {s.consolidation.pk: i for i, s in enumerate(slots)}
    results = list(CompetencyResult.objects.filter(candidacy=template).select_related("competency"))
    rows = []
    for n, candidacy in enumerate(candidacies):
        mine = consolidations[n * len(slots) : (n + 1) * len(slots)]
        for result in results:
            failed = n % 4 == 1 and result.competency.code.startswith("C3.")
            rows.append(
                _clone(
                    CompetencyResult,
                    result,
                    consolidation_id=mine[by_slot[result.consolidation_id]].pk,
                    candidacy_id=candidacy.pk,
                    acquired=not failed,
                    by_rule=not failed,
                )
            )
    CompetencyResult.objects.bulk_create(rows, batch_size=1000)
    return candidacies


def driver(total: int, repeat: int) -> dict:
    import django

    django.setup()
    kit.check_production()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from acquis.juries import deliberations
    from acquis.referential.models import CertificationVersion
    from tests.juries import factories as jf

    version = CertificationVersion.objects.published().get()
    start = time.perf_counter()
    template = jf.ready_candidacy(version)
    verbs_s = time.perf_counter() - start
    start = time.perf_counter()
    copies = _copies(template, total - 1)
    bulk_s = time.perf_counter() - start
    listed = [template, *copies]
    deliberation = jf.deliberation(version, listed[:SMALL], title="Jury du banc d'essai")

    def decide(candidacies):
        for i, candidacy in enumerate(candidacies):
            if i % 2 == 0:
                jf.decide_as_proposed(deliberation, candidacy)

    decide(listed[:SMALL])
    client = kit.verified_client("epreuves@ops-conseil.demo")
    url = f"/gestion/deliberations/{deliberation.pk}/"

    def measure() -> dict:
        client.get(url)  # warm-up
        times, cpus = [], []
        for _ in range(repeat):
            with kit.Clock() as clock:
                response = client.get(url)
            times.append(clock.wall * 1000)
            cpus.append(clock.cpu * 1000)
            assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        return {
            "candidates": deliberation.entries.count(),
            "median_ms": statistics.median(times),
            "cpu_ms": statistics.median(cpus),
            "max_ms": max(times),
            "queries": len(ctx),
            "kbytes": len(response.content) // 1024,
        }

    small = measure()
    deliberations.add_candidates(deliberation, listed[SMALL:], actor=None)
    start = time.perf_counter()
    decide(listed[SMALL:])
    decide_s = time.perf_counter() - start
    large = measure()
    return {
        "verbs_s": verbs_s,
        "bulk_s": bulk_s,
        "decide_s": decide_s,
        "small": small,
        "large": large,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--driver", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.driver:
        print(json.dumps(driver(args.candidates, args.repeat)))
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="acquis-bench-deliberation-"))
    env = kit.prod_env(tmp)
    print(f"Avant : {kit.load_line()}", flush=True)
    try:
        kit.prepare_demo(env)
        command = [sys.executable, __file__, "--driver", "--candidates", str(args.candidates)]
        proc = subprocess.run(
            [*command, "--repeat", str(args.repeat)],
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
    small, large = result["small"], result["large"]
    ratio = large["median_ms"] / small["median_ms"]
    print(
        f"Écran de délibération — candidature type par les verbes : {result['verbs_s']:.1f} s, "
        f"copies en masse : {result['bulk_s']:.1f} s, décisions : {result['decide_s']:.1f} s"
    )
    print(f"{'candidats':>10} {'médiane':>9} {'CPU':>9} {'pire':>9} {'requêtes':>9} {'taille':>8}")
    for row in (small, large):
        print(
            f"{row['candidates']:>10} {row['median_ms']:7.1f}ms {row['cpu_ms']:7.1f}ms "
            f"{row['max_ms']:7.1f}ms {row['queries']:>9} {row['kbytes']:>6}Ko"
        )
    failed = (
        large["median_ms"] > TARGET_MS
        or ratio > TARGET_RATIO
        or large["queries"] != small["queries"]
    )
    print(
        f"Rapport {large['candidates']}/{small['candidates']} : {ratio:.1f}× — cible : "
        f"< {TARGET_MS:.0f} ms, ≤ {TARGET_RATIO:.0f}×, requêtes constantes — "
        + ("MANQUÉE" if failed else "atteinte")
    )
    print(f"Après : {kit.load_line()}")
    result["load_after"] = kit.load()
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
