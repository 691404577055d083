"""Benchmark of the CDC accrochage export: 100,000 holders, streamed, peak RSS and XSD.

In a fresh SQLite database (temporary ACQUIS_VAR_DIR) with the production settings
(benchkit.py: DEBUG off, checked inside each process):

1. `acquis migrate`; the OPS referential is loaded with test registry codes ("RNCP99999",
   blocks "RNCP99999BC0n": the real ones are unknown and never invented by the product).
2. One candidacy gets a signed total validation through the real verbs
   (tests/exports `awarded`: sittings, consolidation, deliberation, minutes signed).
3. Its Candidate, Candidacy and Decision rows are copied in bulk (`bulk_create`, 10,000 at
   a time) into `--holders` holders with distinct identities, all in the same signed
   deliberation: the export reads exactly these three tables (+ the version).
4. `acquis export accrochage --out FILE` runs in its own process (the measured one), --runs
   times, each on its own copy of the database: the selection, the streamed writing
   (`lxml.etree.xmlfile`), the streamed XSD validation and the recording of the batch and
   its lines. Its peak RSS is `ru_maxrss` of that process; wall and CPU time are those of
   the command; the median of the runs is reported, with the machine's load.
5. The produced file is validated again, streaming, against the XSD of
   ../shared/data/accrochage (not the vendored copy).

Targets: peak RSS under 300 MB, file XSD-valid. Exit status 1 if missed.

Usage: bench_accrochage.py [--holders 100000] [--runs 3] [--json RESULTS.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchkit as kit

REPO = kit.REPO
XSD = (
    REPO.parent / "shared" / "data" / "accrochage" / "cdc_certifications_xsd_v1.1.2_kit_v2.0.0.xsd"
)
TARGET_MB = 300.0
CHUNK = 10_000


def _clone(model, row, **changes):
    values = {
        f.attname: getattr(row, f.attname)
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname not in changes
    }
    return model(**values, **changes)


def setup(holders: int) -> dict:
    import django

    django.setup()
    kit.check_production()
    from acquis.candidates.models import Candidacy, Candidate, identity_key
    from acquis.juries.models import Decision
    from acquis.organisations.services import ensure_certifier
    from acquis.referential.services import load_referential_file

    sys.path.insert(0, str(REPO))
    from tests.exports import NUMBER, awarded

    certifier = ensure_certifier(name="OPS Conseil")
    text = (REPO / "acquis" / "referential" / "data" / "ops-conseil-caci-isp.yaml").read_text()
    text = text.replace(
        "registry: {kind: null, number: null}", f"registry: {{kind: RNCP, number: {NUMBER}}}"
    )
    counter = iter(range(1, 10))
    text = re.sub(
        r"registry_code: null", lambda _: f"registry_code: {NUMBER}BC0{next(counter)}", text
    )
    path = Path(tempfile.mkstemp(suffix=".yaml")[1])
    path.write_text(text)
    version = load_referential_file(path, owner=certifier).version
    start = time.perf_counter()
    template = awarded(version)
    verbs_s = time.perf_counter() - start
    start = time.perf_counter()
    person, candidacy = template.candidacy.candidate, template.candidacy
    for offset in range(1, holders, CHUNK):
        size = min(CHUNK, holders - offset)
        people = []
        for i in range(offset, offset + size):
            birth_name = f"Titulaire{i:06d}"
            people.append(
                _clone(
                    Candidate,
                    person,
                    birth_name=birth_name,
                    user_id=None,
                    email=f"t{i}@exemple.fr",
                    identity_key=identity_key(birth_name, person.first_name, person.birth_date),
                )
            )
        people = Candidate.objects.bulk_create(people, batch_size=2000)
        files = Candidacy.objects.bulk_create(
            [_clone(Candidacy, candidacy, candidate_id=p.pk) for p in people], batch_size=2000
        )
        Decision.objects.bulk_create(
            [_clone(Decision, template, candidacy_id=c.pk) for c in files], batch_size=2000
        )
    return {"verbs_s": verbs_s, "bulk_s": time.perf_counter() - start}


def export(out: str) -> dict:
    import django

    django.setup()
    kit.check_production()
    from django.core.management import call_command

    with kit.Clock() as clock:
        call_command("export", "accrochage", "--out", out)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"export_s": clock.wall, "cpu_s": clock.cpu, "peak_mb": peak_kb / 1024}


def validate_again(path: Path) -> tuple[bool, int]:
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(XSD)))
    count = 0
    tag = "{urn:cdc:cpf:pc5:schema:1.0.0}passageCertification"
    try:
        with path.open("rb") as handle:
            for _, elem in etree.iterparse(handle, tag=tag, schema=schema, huge_tree=True):
                count += 1
                elem.clear(keep_tail=True)
                while elem.getprevious() is not None:
                    del elem.getparent()[0]
    except etree.XMLSyntaxError as error:
        print(f"XSD : {error}", file=sys.stderr)
        return False, count
    return True, count


def _run(env, *args) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, cwd=REPO
    )
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        raise SystemExit(2)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holders", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=kit.RUNS)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--export", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        print(json.dumps(setup(args.holders)))
        return 0
    if args.export:
        print(json.dumps(export(args.export)))
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="acquis-bench-accrochage-"))
    print(f"base : {tmp}", file=sys.stderr)
    env = kit.prod_env(
        tmp,
        ACQUIS_ACCROCHAGE_CERTIFIER_ID="E564ACB0",
        ACQUIS_ACCROCHAGE_CONTRACT_ID="2560080000127J",
    )
    print(f"Avant : {kit.load_line()}", file=sys.stderr)
    out = tmp / "accrochage.xml"
    runs = []
    try:
        kit.prepare_demo(env, demo=False)
        built = _run(env, "--setup", "--holders", str(args.holders))
        for turn in range(args.runs):
            # Each run on a copy of the database: an export records its batch and lines.
            copy = Path(tempfile.mkdtemp(prefix=f"acquis-bench-accrochage-{turn}-"))
            shutil.copytree(tmp, copy, dirs_exist_ok=True)
            out = copy / "accrochage.xml"
            out.unlink(missing_ok=True)
            runs.append(_run(env | {"ACQUIS_VAR_DIR": str(copy)}, "--export", str(out)))
            print(f"  exécution {turn + 1} : {runs[-1]}", file=sys.stderr)
            size_mb = out.stat().st_size / 1e6
            if turn == args.runs - 1:
                valid, passages = validate_again(out)
            shutil.rmtree(copy, ignore_errors=True)
    finally:
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(tmp, ignore_errors=True)
    result = kit.summarise(runs)
    result |= built | {"holders": args.holders, "size_mb": size_mb, "valid": valid}
    print(
        f"Accrochage — {args.holders} titulaires (1 par les verbes en {built['verbs_s']:.1f} s, "
        f"copies en masse {built['bulk_s']:.1f} s)"
    )
    print(
        f"export (sélection, écriture en flux, validation XSD, enregistrement) : "
        f"{result['export_s']:.1f} s (CPU {result['cpu_s']:.1f} s, médiane de {args.runs}) ; "
        f"RSS de pointe {result['peak_mb']:.0f} Mo "
        f"(objectif < {TARGET_MB:.0f}) ; fichier {size_mb:.0f} Mo, {passages} passages, "
        f"XSD (relecture indépendante) : {'valide' if valid else 'INVALIDE'}"
    )
    print(f"Après : {kit.load_line()}")
    result["load_after"] = kit.load()
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    ok = valid and passages == args.holders and result["peak_mb"] < TARGET_MB
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
