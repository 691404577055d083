"""Benchmark of the bulk import of candidates (acquis.candidates.imports) from an XLSX file.

One run:
  1. generates an XLSX of --rows candidates (varied, realistic French identities, 12 % born
     abroad, the three pathways, partial blocks, partners by name or SIRET, date cells and
     text dates, numbers that lost their leading zero); deterministic for a given --seed;
  2. prepares a fresh SQLite database in a temporary ACQUIS_VAR_DIR with the production
     settings (benchkit.py: DEBUG off, checked inside the driver): `acquis migrate`, keys,
     static files, then `acquis demo` (certifier "OPS Conseil" and its referential);
  3. --runs times (default 3), each on its own copy of that database, runs a driver (this
     script with --driver) as the only child of a fresh intermediate
     Python process, which reports the child's wall time and peak RSS
     (getrusage(RUSAGE_CHILDREN).ru_maxrss). The driver calls django.setup(), creates three
     partners and a cohort through Django, then times the real service, import_candidates:
     a dry run, the import, and a re-import of the same file (every row "déjà importé").
     Each phase's wall and CPU time is the median of the runs; the peak RSS the highest.

Targets: the import (whole file validated, then written, audit events included) in under
30 s, and the driver's peak RSS under 300 MB; exit status 1 when one is missed, 2 when a
step fails.

Usage: bench_candidates_import.py [--rows 5000] [--seed 20261129] [--keep FILE.xlsx]
                                  [--json RESULTS.json] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path

import benchkit as kit

REPO = kit.REPO
DEFAULT_SEED = 20261129
MAX_IMPORT_S = 30.0
MAX_RSS_MB = 300
COHORT = "Banc d'essai import"

# Runs argv[1] (JSON list) as its only child; prints wall time and the child's peak RSS.
MEASURE = """
import json, resource, subprocess, sys, time
cmd, env = json.loads(sys.argv[1]), json.loads(sys.argv[2])
start = time.perf_counter()
proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
wall = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
print(json.dumps({"wall": wall, "peak_kib": peak_kib, "returncode": proc.returncode,
                  "stdout": proc.stdout[-6000:], "stderr": proc.stderr[-3000:]}))
"""

PARTNERS = [
    ("Insertion Formation Rhône", "12345678900011"),
    ("Compétences & Parcours", "98765432100027"),
    ("Atelier de l'Emploi Bron", "55566677700035"),
]
SURNAMES = """Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent
Lefèvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefebvre Mercier
Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller
Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier
Robin Masson Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger Roche Roy Noël
Meyer Lucas Meunier Pérez Marchand Dufour Blanchard Barbier Brun Dumas Brunet Schmitt Leroux
Colin Fernandez Renard Arnaud Rolland Caron Aubert Giraud Leclerc Vidal Bourgeois Renaud
Lemoine Picard Gaillard Lacroix Fabre Dupuis Olivier Rodriguez Hubert Guillot Rivière
Guillaume Adam Rey Moulin Gonzalez Berger Lecomte Ménard Fleury Deschamps Carpentier Julien
Benoît Maillard Marchal Aubry Vasseur Renault Jacquet Collet Prévost Poirier Charpentier Royer
Huet Baron Dupuy Pons Carré Breton Rémy Schneider Perrot Guyot Barre Marty Cousin Benali
Haddad Diallo Traoré Mendy Ouattara Bensaïd Kovacevic Yilmaz Popescu Tran""".split()
PARTICLE_SURNAMES = ["Da Silva", "Le Gall", "Le Roux", "Le Goff", "N'Diaye", "D'Almeida",
                     "Saint-Martin", "De Oliveira", "Ben Amor", "El Amrani"]  # fmt: skip
FEMALE = """Camille Léa Manon Chloé Emma Inès Sarah Jade Louise Zoé Lina Juliette Anaïs Clara
Maëlle Océane Nathalie Isabelle Sylvie Sandrine Valérie Céline Aurélie Émilie Fatima Aïcha
Mélanie Hélène Agnès Béatrice Chantal Françoise Noémie Laëtitia Yasmine Amélie Élodie Marie
Anne Sophie""".split()
MALE = """Camille Lucas Hugo Louis Nathan Enzo Mathis Thomas Théo Nicolas Julien Sébastien
Stéphane Frédéric Jérôme Christophe Mohamed Karim Yanis Adrien Rémi Benoît Grégory Cédric
Mickaël Anthony Kévin Noé Raphaël Gaël Loïc Hervé Joël François Jean Pierre Paul Antoine
Mamadou Ibrahim""".split()
# (INSEE code, commune, postal code) — codes of the Code officiel géographique.
COMMUNES = [
    ("69123", "Lyon", "69003"), ("69029", "Bron", "69500"), ("69266", "Villeurbanne", "69100"),
    ("69259", "Vénissieux", "69200"), ("75056", "Paris", "75011"), ("13055", "Marseille", "13001"),
    ("31555", "Toulouse", "31000"), ("06088", "Nice", "06000"), ("44109", "Nantes", "44000"),
    ("67482", "Strasbourg", "67000"), ("34172", "Montpellier", "34000"),
    ("33063", "Bordeaux", "33000"), ("59350", "Lille", "59000"), ("35238", "Rennes", "35000"),
    ("42218", "Saint-Étienne", "42000"), ("38185", "Grenoble", "38000"),
    ("01053", "Bourg-en-Bresse", "01000"), ("2A004", "Ajaccio", "20000"),
    ("2B033", "Bastia", "20200"), ("97411", "Saint-Denis", "97400"),
    ("63113", "Clermont-Ferrand", "63000"), ("21231", "Dijon", "21000"),
]  # fmt: skip
COUNTRIES = [("99350", "Maroc"), ("99352", "Algérie"), ("99351", "Tunisie"),
             ("99109", "Allemagne"), ("99134", "Espagne"), ("99139", "Portugal"),
             ("99341", "Sénégal"), ("99208", "Turquie"), ("99114", "Roumanie")]  # fmt: skip
STREETS = ["rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "place Bellecour",
           "boulevard des Belges", "chemin des Vignes", "allée des Tilleuls", "rue Pasteur",
           "impasse du Moulin", "cours Gambetta"]  # fmt: skip
TRAINING_MODES = ["FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
                  "FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION",
                  "Formation continue hors contrat de professionnalisation",
                  "FORMATION_INITIALE_APPRENTISSAGE"]  # fmt: skip
HEADER = ["nom_naissance", "nom_usage", "prenom1", "prenom2", "prenom3", "sexe",
          "date_naissance", "code_insee_naissance", "pays_naissance", "commune_naissance",
          "email", "telephone", "adresse", "code_postal", "ville", "voie", "modalite_acces",
          "voie_vae", "blocs", "partenaire", "date_inscription"]  # fmt: skip


# --- the file ---------------------------------------------------------------------------------


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if c.isalnum() and ord(c) < 128).lower()


def _surname(rng: random.Random) -> str:
    if rng.random() < 0.06:
        return rng.choice(PARTICLE_SURNAMES)
    name = rng.choice(SURNAMES)
    if rng.random() < 0.08:
        name += "-" + rng.choice(SURNAMES)
    return name.upper() if rng.random() < 0.3 else name


def _person(rng: random.Random, seen: set) -> list:
    while True:
        sex = "F" if rng.random() < 0.62 else "M"  # insertion trades: mostly women
        firsts = rng.sample(FEMALE if sex == "F" else MALE, 3)
        birth_name = _surname(rng)
        born = date(1962, 1, 1).toordinal() + rng.randrange(16_000)  # 1962 … 2005
        birth_date = date.fromordinal(born)
        key = (_ascii(birth_name), _ascii(firsts[0]), birth_date)
        if key not in seen:
            seen.add(key)
            break
    second = firsts[1] if rng.random() < 0.4 else ""
    third = firsts[2] if second and rng.random() < 0.25 else ""
    usage = _surname(rng) if sex == "F" and rng.random() < 0.15 else ""
    if rng.random() < 0.12:
        insee, country = rng.choice(COUNTRIES)
        city = ""
        if rng.random() < 0.4:
            insee = ""  # the country alone is enough
    else:
        insee, city, _ = rng.choice(COMMUNES)
        country = ""
        if insee.isdigit() and insee.startswith("0") and rng.random() < 0.5:
            insee = int(insee)  # a spreadsheet turned "01053" into 1053
    _, home, postal = rng.choice(COMMUNES)
    phone = f"0{rng.choice('67')}{rng.randrange(10**8):08d}"
    phone_cell = (
        int(phone)
        if rng.random() < 0.3
        else (" ".join(phone[i : i + 2] for i in range(0, 10, 2)) if rng.random() < 0.5 else phone)
    )
    email = f"{_ascii(firsts[0])}.{_ascii(birth_name)}{rng.randrange(100)}@exemple.fr"
    return [
        birth_name,
        usage,
        firsts[0],
        second,
        third,
        sex if rng.random() < 0.9 else ("Féminin" if sex == "F" else "Masculin"),
        datetime.combine(birth_date, datetime.min.time())
        if rng.random() < 0.8
        else birth_date.strftime("%d/%m/%Y"),
        insee,
        country,
        city,
        email if rng.random() < 0.9 else "",
        phone_cell if rng.random() < 0.85 else "",
        f"{rng.randrange(1, 200)} {rng.choice(STREETS)}",
        postal,
        home,
    ]


def _candidacy(rng: random.Random) -> list:
    draw = rng.random()
    if draw < 0.65:
        pathway, mode, route = "formation", rng.choice(TRAINING_MODES), ""
    elif draw < 0.9:
        pathway, mode, route = "vae", "", rng.choice(["conge_vae", "vae_classique"])
    else:
        pathway, mode, route = rng.choice(["libre", "Libre"]), "", ""
    blocks = ""
    if rng.random() < 0.2:
        chosen = sorted(rng.sample(["B1", "B2", "B3", "B4"], rng.randrange(1, 4)))
        blocks = rng.choice([",", ";", ", "]).join(chosen)
    partner = ""
    if pathway == "formation" and rng.random() < 0.7:
        name, siret = rng.choice(PARTNERS)
        partner = (
            name if rng.random() < 0.6 else f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
        )
    registered = date(2026, 1, 5) + timedelta(days=rng.randrange(300))
    registered_cell = registered if rng.random() < 0.7 else ""
    return [pathway, mode, route, blocks, partner, registered_cell]


def generate(path: Path, rows: int, seed: int = DEFAULT_SEED) -> None:
    from openpyxl import Workbook

    rng, seen = random.Random(seed), set()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Candidats")
    sheet.append(HEADER)
    for _ in range(rows):
        sheet.append(_person(rng, seen) + _candidacy(rng))
    workbook.save(path)


# --- the measured driver --------------------------------------------------------------------


def driver(path: str) -> None:
    """Runs in the measured process: Django set up, then the service timed phase by phase."""
    import resource

    import django

    django.setup()
    kit.check_production()
    from acquis.audit.services import verify_chain
    from acquis.candidates.imports import import_candidates
    from acquis.candidates.services import create_cohort
    from acquis.organisations.enums import Habilitation, OrganisationKind
    from acquis.organisations.models import Organisation
    from acquis.referential.models import CertificationVersion

    certifier = Organisation.objects.get(kind=OrganisationKind.CERTIFIER, name="OPS Conseil")
    for name, siret in PARTNERS:
        Organisation.objects.create(
            kind=OrganisationKind.PARTNER, name=name, siret=siret, certifier=certifier,
            habilitation=Habilitation.PREPARE,
        )  # fmt: skip
    version = CertificationVersion.objects.published().get(certification__owner=certifier)
    cohort = create_cohort(certifier=certifier, version=version, name=COHORT)
    results = {}
    for phase, dry_run in (("dry_run", True), ("import", False), ("reimport", False)):
        start, cpu = time.perf_counter(), time.process_time()
        report = import_candidates(path, certifier=certifier, cohort=cohort, dry_run=dry_run)
        results[phase] = {
            "seconds": time.perf_counter() - start,
            "cpu_seconds": time.process_time() - cpu,
            **report.counts(),
        }
        if not report.ok:
            print(json.dumps({"errors": [e.format(path) for e in report.errors[:20]]}))
            sys.exit(2)
    start = time.perf_counter()
    chain = verify_chain()
    results["verify_chain"] = {"seconds": time.perf_counter() - start, "events": chain.checked}
    results["self_peak_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(results))


# --- orchestration ----------------------------------------------------------------------------


def _run(cmd: list[str], env: dict) -> None:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=REPO, check=False)
    if proc.returncode:
        print(f"échec de {' '.join(cmd)} :\n{proc.stderr[-3000:]}", file=sys.stderr)
        sys.exit(2)


def measure(cmd: list[str], env: dict) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", MEASURE, json.dumps(cmd), json.dumps(env)],
        capture_output=True, text=True, cwd=REPO, check=True,
    )  # fmt: skip
    return json.loads(proc.stdout)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--keep", type=Path, help="Garde le fichier XLSX généré ici.")
    parser.add_argument("--json", type=Path, help="Écrit les résultats dans ce fichier JSON.")
    parser.add_argument("--runs", type=int, default=kit.RUNS)
    parser.add_argument("--driver", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.driver:
        driver(args.driver)
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="acquis-bench-import-"))
    try:
        return _bench(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _bench(args, tmp: Path) -> int:
    xlsx = tmp / "candidats.xlsx"
    start = time.perf_counter()
    generate(xlsx, args.rows, args.seed)
    generated = time.perf_counter() - start
    if args.keep:
        shutil.copyfile(xlsx, args.keep)
    var = tmp / "var"
    env = kit.prod_env(var)
    print(f"Avant : {kit.load_line()}", file=sys.stderr)
    kit.prepare_demo(env)
    runs = []
    for turn in range(args.runs):
        copy = tmp / f"var-{turn}"
        shutil.copytree(var, copy)  # every run imports into the same fresh database
        cmd = [sys.executable, str(Path(__file__).resolve()), "--driver", str(xlsx)]
        run = measure(cmd, env | {"ACQUIS_VAR_DIR": str(copy)})
        shutil.rmtree(copy, ignore_errors=True)
        if run["returncode"]:
            print(run["stdout"], run["stderr"], sep="\n", file=sys.stderr)
            return 2
        phases = json.loads(run["stdout"].strip().splitlines()[-1])
        phases["peak_mb"] = max(run["peak_kib"], phases.pop("self_peak_kib")) / 1024
        phases["wall"] = run["wall"]
        runs.append(phases)
        seconds = phases["import"]["seconds"]
        print(f"  exécution {turn + 1} : import {seconds:.1f} s", file=sys.stderr)
    phases = {
        phase: {k: kit.median([r[phase][k] for r in runs]) for k in runs[0][phase]}
        for phase in ("dry_run", "import", "reimport", "verify_chain")
    }
    peak_mb = max(r["peak_mb"] for r in runs)
    run = {"wall": kit.median([r["wall"] for r in runs])}
    results = {
        "rows": args.rows,
        "seed": args.seed,
        "file_kib": round(xlsx.stat().st_size / 1024),
        "generation_s": round(generated, 2),
        "driver_wall_s": round(run["wall"], 2),
        "peak_rss_mb": round(peak_mb, 1),
        **phases,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "runs": runs,
    }
    _print(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    misses = []
    if phases["import"]["seconds"] >= MAX_IMPORT_S:
        misses.append(f"import en {phases['import']['seconds']:.1f} s ≥ {MAX_IMPORT_S:.0f} s")
    if peak_mb >= MAX_RSS_MB:
        misses.append(f"pic de mémoire {peak_mb:.0f} Mo ≥ {MAX_RSS_MB} Mo")
    for miss in misses:
        print(f"OBJECTIF MANQUÉ : {miss}", file=sys.stderr)
    return 1 if misses else 0


def _print(r: dict) -> None:
    print(f"Fichier : {r['rows']} lignes XLSX, {r['file_kib']} Kio (graine {r['seed']}, "
          f"généré en {r['generation_s']} s)")  # fmt: skip
    for phase, label in (("dry_run", "simulation"), ("import", "import"),
                         ("reimport", "ré-import")):  # fmt: skip
        p = r[phase]
        print(f"  {label:12} {p['seconds']:6.2f} s (CPU {p['cpu_seconds']:5.2f} s) — "
              f"candidats créés {p['candidates_created']}, "
              f"repris {p['candidates_reused']}, candidatures {p['candidacies_created']}, "
              f"déjà importées {p['skipped']}")  # fmt: skip
    chain = r["verify_chain"]
    print(f"  chaîne d'audit vérifiée : {chain['events']} événements en {chain['seconds']:.2f} s")
    print(f"Médiane de {len(r['runs'])} exécutions.")
    print(f"Processus mesuré (démarrage de Django et trois passages) : {r['driver_wall_s']} s, "
          f"pic RSS {r['peak_rss_mb']} Mo (objectifs : import < {MAX_IMPORT_S:.0f} s, "
          f"RSS < {MAX_RSS_MB} Mo)")  # fmt: skip
    print("Charge moyenne de la machine (1, 5, 15 min) : "
          + ", ".join(str(x) for x in r["load_average"]))  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
