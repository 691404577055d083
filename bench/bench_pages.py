"""Server CPU per page: the key pages of the four audiences at the scale of a busy certifier.

A fresh SQLite database with the production settings (benchkit.py: DEBUG off, checked inside
the driver): `acquis migrate`, keys, static files, `acquis demo`, then this script with
--driver, which copies the demo's rows in bulk up to --candidacies candidacies, --sessions
evaluation sessions (with their panels) and --deliberations deliberations (with their jury
members) — the pages are measured, not the registration — and requests every page of PAGES
through the whole stack (Django's WSGI handler, every middleware, HTTPS, the staff, juror
and candidate logged in with a verified second factor). Per page, after one warm-up:
the median of --repeat requests of the server CPU time (`time.process_time` around the
request, in the same process: no network, no client), the response size, the number of
SQL queries and the Python calls per request (cProfile, 3 requests: the figure that does not
move with the machine's speed); then the median over the pages of each audience.

Target: median server CPU per page ≤ 15 ms over the staff, juror and candidate pages (each
audience's median); exit status 1 if missed, 2 if a page does not answer 200.

Usage: bench_pages.py [--candidacies 5000] [--sessions 50] [--deliberations 100]
                      [--repeat 5] [--profile PAGE] [--keep DIR] [--json RESULTS.json]

--keep DIR prepares the database in DIR once and reuses it (the copies are only added up to
the counts asked), to compare code changes on the same data.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import json
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchkit as kit

REPO = kit.REPO
TARGET_CPU_MS = 15.0
STAFF = "epreuves@ops-conseil.demo"
ADMIN = "admin@ops-conseil.demo"
JUROR = "jure@ops-conseil.demo"
CANDIDATE = "ines.moreau@exemple.fr"


def scale(candidacies: int, sessions: int, deliberations: int) -> dict:
    """Bulk copies of the demo's rows up to the requested counts."""
    from acquis.candidates.models import Candidacy, Candidate, identity_key
    from acquis.evaluations.models import EvaluationSession, PanelMember
    from acquis.juries.models import Deliberation, JuryMember

    start = time.perf_counter()
    template = Candidacy.objects.select_related("candidate").order_by("pk").first()
    version, certifier = template.version, template.candidate.certifier
    names = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Moreau"]
    people = []
    for i in range(max(0, candidacies - Candidacy.objects.count())):
        birth = datetime.date(1960 + i % 40, 1 + i % 12, 1 + i % 28)
        birth_name = f"{names[i % len(names)]}{i:05d}"
        people.append(
            Candidate(
                certifier=certifier,
                birth_name=birth_name,
                first_name="Camille",
                sex="F",
                birth_date=birth,
                birth_insee_code="69123",
                identity_key=identity_key(birth_name, "Camille", birth),
            )
        )
    Candidate.objects.bulk_create(people, batch_size=1000)
    statuses = ["registered", "in_progress", "awaiting_jury", "withdrawn"]
    Candidacy.objects.bulk_create(
        [
            Candidacy(
                candidate=c,
                version=version,
                pathway="training",
                access_mode="FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
                status=statuses[i % 4],
                registered_on=datetime.date(2026, 9, 1),
            )
            for i, c in enumerate(people)
        ],
        batch_size=1000,
    )
    models = list(EvaluationSession.objects.order_by("pk"))
    panels = {
        s.pk: list(PanelMember.objects.filter(session=s).values_list("juror_id", flat=True))
        for s in models
    }
    for i in range(max(0, sessions - len(models))):
        model = models[i % len(models)]
        copy = EvaluationSession.objects.create(
            certifier=model.certifier,
            version=model.version,
            title=f"{model.title} — copie {i + 1}",
            date=model.date - datetime.timedelta(days=7 * (i + 1)),
            place=model.place,
            remote=model.remote,
            status=model.status,
        )
        PanelMember.objects.bulk_create(
            [PanelMember(session=copy, juror_id=j) for j in panels[model.pk]]
        )
    models = list(Deliberation.objects.order_by("pk"))
    juries = {d.pk: list(JuryMember.objects.filter(deliberation=d).values()) for d in models}
    for i in range(max(0, deliberations - len(models))):
        model = models[i % len(models)]
        copy = Deliberation.objects.create(
            certifier=model.certifier,
            version=model.version,
            kind=model.kind,
            title=f"{model.title} — copie {i + 1}",
            date=model.date - datetime.timedelta(days=7 * (i + 1)),
            place=model.place,
            status=model.status,
        )
        JuryMember.objects.bulk_create(
            [JuryMember(**(m | {"id": None, "deliberation_id": copy.pk})) for m in juries[model.pk]]
        )
    return {
        "candidacies": Candidacy.objects.count(),
        "sessions": EvaluationSession.objects.count(),
        "deliberations": Deliberation.objects.count(),
        "scale_s": time.perf_counter() - start,
    }


def pages() -> list[tuple[str, str, str, str]]:
    """(audience, label, login, path) of the key pages, with real objects of the demo."""
    from acquis.candidates.models import Candidacy
    from acquis.credentials.models import IssuedDocument
    from acquis.evaluations.models import EvaluationSession, Grid, Slot
    from acquis.juries.models import Deliberation
    from acquis.referential.models import Certification

    demo = Candidacy.objects.filter(candidate__user__email=CANDIDATE).order_by("pk").first()
    session = EvaluationSession.objects.filter(slots__isnull=False).order_by("pk").first()
    slot = Slot.objects.filter(session=session).order_by("pk").first()
    deliberation = Deliberation.objects.filter(entries__isnull=False).order_by("pk").first()
    grid = Grid.objects.filter(juror__user__email=JUROR).order_by("-pk").first()
    code = Certification.objects.order_by("pk").values_list("code", flat=True).first()
    credential = IssuedDocument.objects.order_by("pk").first()
    out = [
        ("personnel", "tableau de bord", STAFF, "/gestion/"),
        ("personnel", "candidatures", STAFF, "/gestion/candidatures/"),
        ("personnel", "candidatures, recherche", STAFF, "/gestion/candidatures/?q=moreau"),
        ("personnel", "candidature", STAFF, f"/gestion/candidatures/{demo.pk}/"),
        ("personnel", "candidat", STAFF, f"/gestion/candidats/{demo.candidate_id}/"),
        ("personnel", "promotions", STAFF, "/gestion/promotions/"),
        ("personnel", "jurés", STAFF, "/gestion/jures/"),
        ("personnel", "sessions", STAFF, "/gestion/sessions/"),
        ("personnel", "session", STAFF, f"/gestion/sessions/{session.pk}/"),
        ("personnel", "créneau", STAFF, f"/gestion/creneaux/{slot.pk}/"),
        ("personnel", "délibérations", STAFF, "/gestion/deliberations/"),
        ("personnel", "délibération", STAFF, f"/gestion/deliberations/{deliberation.pk}/"),
        ("personnel", "documents délivrés", STAFF, "/gestion/documents-delivres/"),
        ("personnel", "référentiels", STAFF, "/gestion/referentiels/"),
        ("personnel", "utilisateurs", ADMIN, "/gestion/utilisateurs/"),
        ("juré", "accueil", JUROR, "/jury/"),
        ("juré", "épreuves à venir", JUROR, "/jury/epreuves/a-venir/"),
        ("juré", "épreuves passées", JUROR, "/jury/epreuves/passees/"),
        ("juré", "grille", JUROR, f"/jury/grilles/{grid.pk}/"),
        ("juré", "délibérations", JUROR, "/jury/deliberations/"),
        ("candidat", "mon dossier", CANDIDATE, "/mon-dossier/"),
        ("candidat", "candidature", CANDIDATE, f"/mon-dossier/candidatures/{demo.pk}/"),
        ("public", "accueil", "", "/"),
        ("public", "référentiel", "", f"/referentiels/{code}/"),
    ]
    if credential is not None:
        out.append(("public", "vérification", "", f"/verifier/{credential.verification_code}/"))
    return out


class SqlClock:
    """CPU time spent executing SQL statements (an execute wrapper): with SQLite, the engine
    runs inside the server process, so its work is part of the page's CPU; with PostgreSQL
    it would run in the database server instead. The split tells which side to work on."""

    def __init__(self):
        self.cpu = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.process_time()
        try:
            return execute(sql, params, many, context)
        finally:
            self.cpu += time.process_time() - start


def driver(args) -> dict:
    import django

    django.setup()
    kit.check_production()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    scaled = scale(args.candidacies, args.sessions, args.deliberations)
    clients: dict[str, object] = {}

    def client_for(login: str):
        if login not in clients:
            if login:
                clients[login] = kit.verified_client(login)
            else:
                anonymous = Client()
                clients[login] = type(
                    "Anon", (), {"get": lambda self, p: anonymous.get(p, secure=True)}
                )()
        return clients[login]

    rows = []
    for audience, label, login, path in pages():
        if args.only and not any(o in (audience, label, path) for o in args.only.split(",")):
            continue
        client = client_for(login)
        response = client.get(path)  # warm-up
        cpus, walls, sqls = [], [], []
        for _ in range(args.repeat):
            sql = SqlClock()
            with connection.execute_wrapper(sql), kit.Clock() as clock:
                response = client.get(path)
            cpus.append(clock.cpu * 1000)
            walls.append(clock.wall * 1000)
            sqls.append(sql.cpu * 1000)
        with CaptureQueriesContext(connection) as ctx:
            client.get(path)
        queries = len(ctx)  # before the next requests (each one resets the queries' log)
        # Python calls per request: unlike CPU time they do not move with this virtual
        # machine's speed, which drifts by up to 2x from one hour to the next.
        counter = cProfile.Profile()
        counter.enable()
        for _ in range(3):
            client.get(path)
        counter.disable()
        calls = pstats.Stats(counter).total_calls // 3
        rows.append(
            {
                "audience": audience,
                "page": label,
                "path": path,
                "status": response.status_code,
                "cpu_ms": statistics.median(cpus),
                "sql_cpu_ms": statistics.median(sqls),
                "wall_ms": statistics.median(walls),
                "bytes": len(response.content),
                "queries": queries,
                "calls": calls,
            }
        )
        if args.profile and args.profile in (label, path):
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(20):
                client.get(path)
            profiler.disable()
            stats = pstats.Stats(profiler, stream=sys.stderr).sort_stats(args.sort)
            stats.print_stats(70)
            if args.callers:
                stats.print_callers(args.callers)
    return scaled | {"pages": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidacies", type=int, default=5_000)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--deliberations", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", help="a page (label or path) to profile, on stderr")
    parser.add_argument("--sort", default="cumulative", help=argparse.SUPPRESS)
    parser.add_argument("--callers", help=argparse.SUPPRESS)
    parser.add_argument("--only", help="only these pages (audiences, labels or paths, a,b)")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--keep", type=Path, help="prepared database kept in this directory and reused"
    )
    parser.add_argument("--driver", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.repeat = max(3, args.repeat)
    if args.driver:
        print(json.dumps(driver(args)))
        return 0
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="acquis-bench-pages-"))
    reuse = args.keep is not None and (tmp / "acquis.sqlite3").exists()
    env = kit.prod_env(tmp)
    print(f"Avant : {kit.load_line()}", flush=True)
    load_before = kit.load()
    try:
        if not reuse:
            kit.prepare_demo(env)
        command = [sys.executable, __file__, "--driver"]
        for name in (
            "candidacies",
            "sessions",
            "deliberations",
            "repeat",
            "profile",
            "only",
            "sort",
            "callers",
        ):
            value = getattr(args, name)
            if value is not None:
                command += [f"--{name}", str(value)]
        proc = subprocess.run(command, env=env, capture_output=True, text=True, cwd=REPO)
        if args.profile:
            print(proc.stderr, file=sys.stderr)
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            return 2
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"Pages — {result['candidacies']} candidatures, {result['sessions']} sessions, "
        f"{result['deliberations']} délibérations (copies en masse : {result['scale_s']:.1f} s)"
    )
    print(
        f"{'public':10} {'page':26} {'CPU ms':>7} {'dt SQL':>7} {'mur ms':>7} {'octets':>8} "
        f"{'requêtes':>8} {'appels':>8}"
    )
    broken = False
    for row in result["pages"]:
        broken |= row["status"] != 200
        status = "" if row["status"] == 200 else f"  ← réponse {row['status']}"
        print(
            f"{row['audience']:10} {row['page']:26} {row['cpu_ms']:7.1f} "
            f"{row.get('sql_cpu_ms', 0):7.1f} {row['wall_ms']:7.1f} "
            f"{row['bytes']:8d} {row['queries']:8d} {row.get('calls', 0):8d}{status}"
        )
    medians = {}
    for audience in ("personnel", "juré", "candidat", "public"):
        cpus = [r["cpu_ms"] for r in result["pages"] if r["audience"] == audience]
        if cpus:
            medians[audience] = statistics.median(cpus)
    overall = statistics.median(r["cpu_ms"] for r in result["pages"])
    calls = {
        audience: statistics.median(
            r["calls"] for r in result["pages"] if r["audience"] == audience
        )
        for audience in medians
    }
    print(
        "Médiane des appels Python par page : "
        + ", ".join(f"{a} {int(c)}" for a, c in calls.items())
    )
    print(
        "Médiane CPU par page : "
        + ", ".join(f"{a} {m:.1f} ms" for a, m in medians.items())
        + f" ; toutes pages {overall:.1f} ms"
    )
    missed = any(medians.get(a, 0) > TARGET_CPU_MS for a in ("personnel", "juré", "candidat"))
    print(
        f"Cible : médiane ≤ {TARGET_CPU_MS:.0f} ms de CPU serveur (personnel, juré, candidat) — "
        + ("MANQUÉE" if missed else "atteinte")
    )
    print(f"Après : {kit.load_line()}")
    result |= {"medians": medians, "median": overall, "load_before": load_before}
    result["load_after"] = kit.load()
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 2 if broken else 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
