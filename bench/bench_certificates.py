"""Benchmark of issuing 1,000 certificates against Typst alone compiling the same documents.

In a fresh SQLite database (temporary ACQUIS_VAR_DIR) with the production settings
(benchkit.py: DEBUG off, checked inside each process), a demonstration signing pair made by
`acquis credentials_key`:

1. `acquis migrate`; one candidacy gets a signed total validation through the real verbs
   (tests/exports `awarded`); its Candidate, Candidacy, Decision and HeldBlock rows are copied
   in bulk into `--certificates` frozen total validations of the same signed deliberation.
2. In one measured process, by chunks of `--chunk` decisions (interleaved, so that the load
   of the shared machine weighs on both figures alike):
   (a) the real issuing path, `documents.issue_for_decision` for each decision: row lock,
       number drawn from the locked counter, data, QR code, Typst, PAdES signature, file
       stored, row written, audit event, one transaction per certificate;
   (b) Typst alone (`typst_render.compile_pdf`) compiling the same documents: for each stored
       certificate its inputs are rebuilt from its row (number, verification code, date;
       not timed) and compiled again. The stored file must begin with the bytes Typst gives
       again, time stamps aside (the signature is an incremental update): the same
       documents, checked on 5 of each chunk.
   A document is rendered and a PDF signed once before timing (fonts, key, CMS template).
3. Checks: numbers OPS-YYYY-000001… without gap or duplicate; a sample of the stored PDFs
   passes poppler's `pdfsig` ("Signature is Valid.") and is tagged PDF/A-2 (`pdfinfo`).

Step 2 runs --runs times, each on its own copy of the database; (a) and (b) are reported as
wall and CPU time of the measured process, the median of the runs, with the machine's load.

Target: (a) / (b) ≤ 4 (median of the runs). Exit status 1 if missed or if a check fails.

`--without qr,cms,meta` measures the issuing path with kept levers turned back off, for the
history in bench/README.md: `qr` the QR mask chosen by segno's penalty scores again, `cms` the
CMS container built by pyHanko for every signature, `meta` pyHanko's metadata rewrite.

`--profile` prints on stderr, for each run, a cProfile of the (a) calls alone (by own time,
then by cumulative time): where the work besides Typst goes.

Usage: bench_certificates.py [--certificates 1000] [--chunk 100] [--sample 25] [--json FILE]
                             [--without qr,cms,meta] [--runs 3] [--profile]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchkit as kit

from acquis.credentials import typst_render

REPO = kit.REPO
TARGET = 4.0
CHUNK = 2000


def _clone(model, row, **changes):
    values = {
        f.attname: getattr(row, f.attname)
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname not in changes
    }
    return model(**values, **changes)


def setup(count: int) -> dict:
    import django

    django.setup()
    from acquis.candidates.models import Candidacy, Candidate, identity_key
    from acquis.juries.models import Decision, HeldBlock
    from acquis.organisations.services import ensure_certifier
    from acquis.referential.services import load_referential_file

    sys.path.insert(0, str(REPO))
    from tests.exports import awarded

    certifier = ensure_certifier(name="OPS Conseil")
    builtin = REPO / "acquis" / "referential" / "data" / "ops-conseil-caci-isp.yaml"
    version = load_referential_file(builtin, owner=certifier).version
    start = time.perf_counter()
    template = awarded(version)
    verbs_s = time.perf_counter() - start
    person, candidacy = template.candidacy.candidate, template.candidacy
    held = list(HeldBlock.objects.filter(decision=template))
    start = time.perf_counter()
    for offset in range(1, count, CHUNK):
        size = min(CHUNK, count - offset)
        people = []
        for i in range(offset, offset + size):
            birth_name = f"Titulaire{i:06d}"
            key = identity_key(birth_name, person.first_name, person.birth_date)
            people.append(
                _clone(
                    Candidate,
                    person,
                    birth_name=birth_name,
                    user_id=None,
                    email=f"t{i}@exemple.fr",
                    identity_key=key,
                )
            )
        people = Candidate.objects.bulk_create(people, batch_size=1000)
        files = Candidacy.objects.bulk_create(
            [_clone(Candidacy, candidacy, candidate_id=p.pk) for p in people], batch_size=1000
        )
        decisions = Decision.objects.bulk_create(
            [_clone(Decision, template, candidacy_id=c.pk) for c in files], batch_size=1000
        )
        HeldBlock.objects.bulk_create(
            [
                _clone(HeldBlock, row, decision_id=d.pk, candidate_id=c.candidate_id)
                for d, c in zip(decisions, files, strict=True)
                for row in held
            ],
            batch_size=1000,
        )
    return {"verbs_s": verbs_s, "bulk_s": time.perf_counter() - start}


# What differs between two compilations of the same inputs: the creation time (Info, XMP) and
# the instance identifiers derived from it (trailer /ID, XMP history).
VOLATILE = (
    re.compile(rb"D:\d{14}Z"),
    re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00"),
    re.compile(rb"[A-Za-z0-9+/]{22}=="),
)


def same_document(stored: bytes, typst_alone: bytes) -> bool:
    """The stored file is Typst's output (up to its time stamps) followed by the signature."""
    prefix = stored[: len(typst_alone)]
    for pattern in VOLATILE:
        prefix, typst_alone = pattern.sub(b"-", prefix), pattern.sub(b"-", typst_alone)
    return prefix == typst_alone


def _inputs_of(documents, document):
    from django.utils import timezone

    data = documents.document_data(
        documents._decision(document.decision),
        document.kind,
        number=document.number,
        code=document.verification_code,
        on=timezone.localdate(document.issued_at),
    )
    return typst_render.render_inputs(data)


def without(levers: set[str]) -> None:
    """Turn kept levers back off in this process (history of the figures only)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    from acquis.credentials import pades

    if "qr" in levers:
        typst_render.QR_MASK = None  # segno scores the eight masks
    if "cms" in levers:
        pades.ReusingSigner.async_sign = signers.SimpleSigner.async_sign
    if "meta" in levers:
        pades.SignatureOnlyWriter._update_meta = IncrementalPdfFileWriter._update_meta


def print_profile(profiler, count: int) -> None:
    import pstats

    print(f"--- profil de (a), {count} certificats ---", file=sys.stderr)
    for order in ("tottime", "cumulative"):
        pstats.Stats(profiler, stream=sys.stderr).sort_stats(order).print_stats(35)


def measure(
    count: int, chunk: int, sample: int, levers_off: set[str], profile: bool = False
) -> dict:
    import django

    django.setup()
    kit.check_production()
    from acquis.credentials import documents, signing

    without(levers_off)
    from acquis.credentials.enums import DocumentKind
    from acquis.credentials.models import IssuedDocument
    from acquis.juries.enums import DecisionKind
    from acquis.juries.models import Decision

    kind = DocumentKind.CERTIFICATE
    ids = list(
        Decision.objects.filter(kind=DecisionKind.TOTAL, frozen=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert len(ids) == count, (len(ids), count)
    signing.sign_pdf(typst_render.render(kind, documents.sample_data(kind)))  # warm-up
    issue_s = typst_s = issue_cpu = typst_cpu = 0.0
    same = checked = 0
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    for start in range(0, count, chunk):
        part = ids[start : start + chunk]
        if profiler:
            profiler.enable()
        with kit.Clock() as clock:
            for pk in part:
                documents.issue_for_decision(Decision(pk=pk), actor=None)
        if profiler:
            profiler.disable()
        issue_s += clock.wall
        issue_cpu += clock.cpu
        issued = list(
            IssuedDocument.objects.filter(decision_id__in=part, kind=kind).order_by("decision_id")
        )
        inputs = [_inputs_of(documents, d) for d in issued]
        with kit.Clock() as clock:
            pdfs = [typst_render.compile_pdf(kind, i) for i in inputs]
        typst_s += clock.wall
        typst_cpu += clock.cpu
        for document, pdf in list(zip(issued, pdfs, strict=True))[:5]:
            with document.file.open("rb") as handle:
                same += same_document(handle.read(), pdf)
            checked += 1
    if profiler:
        print_profile(profiler, count)
    rows = IssuedDocument.objects.filter(kind=kind)
    numbers = sorted(int(n.rsplit("-", 1)[1]) for n in rows.values_list("number", flat=True))
    paths = [d.file.path for d in random.sample(list(rows), min(sample, rows.count()))]
    return {
        "issue_s": issue_s,
        "typst_s": typst_s,
        "issue_cpu_s": issue_cpu,
        "typst_cpu_s": typst_cpu,
        "ratio": issue_s / typst_s,
        "cpu_ratio": issue_cpu / typst_cpu,
        "issued": rows.count(),
        "numbers_ok": numbers == list(range(1, count + 1)),
        "same_documents": f"{same}/{checked}",
        "same_ok": same == checked,
        "sample": paths,
    }


def check_sample(paths: list[str]) -> tuple[int, int]:
    valid = pdfa = 0
    for path in paths:
        signature = subprocess.run(["pdfsig", path], capture_output=True, text=True).stdout
        valid += "Signature Validation: Signature is Valid." in signature
        info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
        pdfa += (
            bool(re.search(r"Tagged:\s+yes", info)) and b"pdfaid:part" in Path(path).read_bytes()
        )
    return valid, pdfa


def _run(env, *args, show_stderr: bool = False) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, cwd=REPO
    )
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        raise SystemExit(2)
    if show_stderr:
        print(proc.stderr, file=sys.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=1000)
    parser.add_argument("--chunk", type=int, default=100)
    parser.add_argument("--sample", type=int, default=25)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--without", default="", help="qr,cms,meta (history only)")
    parser.add_argument("--runs", type=int, default=kit.RUNS)
    parser.add_argument("--profile", action="store_true", help="cProfile of (a) on stderr")
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        print(json.dumps(setup(args.certificates)))
        return 0
    if args.measure:
        levers = {lever for lever in args.without.split(",") if lever}
        result = measure(args.certificates, args.chunk, args.sample, levers, args.profile)
        print(json.dumps(result))
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="acquis-bench-certificates-"))
    print(f"base : {tmp}", file=sys.stderr)
    env = kit.prod_env(
        tmp,
        ALLOWED_HOSTS="acquis.example.fr,testserver",
        SITE_URL="https://acquis.example.fr",
        ACQUIS_SIGNATORY_NAME="Claire Dumas",
    )
    print(f"Avant : {kit.load_line()}", file=sys.stderr)
    runs = []
    try:
        kit.prepare_demo(env, demo=False)
        built = _run(env, "--setup", "--certificates", str(args.certificates))
        for turn in range(args.runs):
            # Each run on a copy of the database: issuing draws numbers and stores files.
            copy = Path(tempfile.mkdtemp(prefix=f"acquis-bench-certificates-{turn}-"))
            shutil.copytree(tmp, copy, dirs_exist_ok=True)
            one = _run(
                env | {"ACQUIS_VAR_DIR": str(copy)},
                "--measure",
                "--certificates",
                str(args.certificates),
                "--chunk",
                str(args.chunk),
                "--sample",
                str(args.sample),
                "--without",
                args.without,
                *(["--profile"] if args.profile else []),
                show_stderr=args.profile,
            )
            print(f"  exécution {turn + 1} : rapport {one['ratio']:.2f}", file=sys.stderr)
            if turn == args.runs - 1:
                valid, pdfa = check_sample(one["sample"])
            shutil.rmtree(copy, ignore_errors=True)
            runs.append(one)
        result = kit.summarise([{k: v for k, v in r.items() if k != "sample"} for r in runs])
        result |= {k: runs[-1][k] for k in ("issued", "numbers_ok", "same_ok", "sample")}
        result["same_documents"] = runs[-1]["same_documents"]
        result["issued"] = min(r["issued"] for r in runs)
        result["numbers_ok"] = all(r["numbers_ok"] for r in runs)
        result["same_ok"] = all(r["same_ok"] for r in runs)
    finally:
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(tmp, ignore_errors=True)
    n = args.certificates
    ratio = result["ratio"]
    result |= built | {"pdfsig_valid": valid, "pdfa_tagged": pdfa}
    result["sample"] = len(result["sample"])
    print(
        f"Certificats — {n} décisions (1 par les verbes en {built['verbs_s']:.1f} s, copies en "
        f"masse {built['bulk_s']:.1f} s), par tranches de {args.chunk} alternées"
        + (f" ; leviers retirés : {args.without}" if args.without else "")
    )
    print(
        f"(a) délivrance (verrou, numéro, données, QR, Typst, signature PAdES, stockage, audit) : "
        f"{result['issue_s']:.2f} s (CPU {result['issue_cpu_s']:.2f} s), "
        f"{1000 * result['issue_s'] / n:.1f} ms par certificat"
    )
    print(
        f"(b) Typst seul, les mêmes documents : {result['typst_s']:.2f} s "
        f"(CPU {result['typst_cpu_s']:.2f} s), "
        f"{1000 * result['typst_s'] / n:.1f} ms par document "
        f"(fichier stocké = sortie de Typst + signature : {result['same_documents']})"
    )
    print(
        f"rapport (a)/(b), médiane de {args.runs} : {ratio:.2f} en durée, "
        f"{result['cpu_ratio']:.2f} en CPU (objectif ≤ {TARGET:g}) ; "
        f"par exécution : " + ", ".join(f"{r['ratio']:.2f}" for r in runs)
    )
    print(
        f"numéros sans trou ni doublon : {'oui' if result['numbers_ok'] else 'NON'} ; "
        f"échantillon de {result['sample']} PDF : pdfsig « Signature is Valid. » {valid}, "
        f"PDF/A balisé {pdfa}"
    )
    print(f"Après : {kit.load_line()}")
    result["load_after"] = kit.load()
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    ok = (
        ratio <= TARGET
        and result["issued"] == n
        and result["numbers_ok"]
        and result["same_ok"]
        and valid == pdfa == result["sample"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
