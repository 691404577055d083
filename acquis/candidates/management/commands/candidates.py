"""acquis candidates import FILE --cohort NAME [--certifier NAME] [--dry-run] [--format]."""

import json
from pathlib import Path

from django.core.management.base import CommandError, CommandParser

from acquis.candidates.imports import import_candidates
from acquis.candidates.models import Cohort
from acquis.cli import AcquisCommand
from acquis.organisations.enums import OrganisationKind
from acquis.organisations.models import Organisation


class Command(AcquisCommand):
    help = "Candidats : importer un fichier CSV ou XLSX de candidats dans une promotion."

    def add_arguments(self, parser: CommandParser):
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        p = sub.add_parser(
            "import",
            help="Importe un fichier CSV ou XLSX dans une promotion (tout ou rien).",
        )
        p.add_argument("file", help="Fichier .csv ou .xlsx (voir docs/candidates-import.md).")
        p.add_argument("--cohort", required=True, help="Nom de la promotion.")
        p.add_argument("--certifier", help="Nom du certificateur, si le nom est ambigu.")
        p.add_argument("--dry-run", action="store_true", help="Vérifie tout, n'écrit rien.")
        p.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, action, **options):
        getattr(self, "do_" + action)(**options)

    def do_import(self, *, file, cohort, certifier, dry_run, format, **_):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        found = _cohort(cohort, certifier)
        report = import_candidates(
            path, filename=file, certifier=found.certifier, cohort=found, dry_run=dry_run
        )
        if format == "json":
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            for error in report.errors:
                self.stderr.write(error.format(file))
            for line in report.skipped_lines:
                self.stdout.write(
                    f"{file}:ligne {line} : déjà importé (candidat déjà inscrit dans la "
                    "promotion) ; ligne ignorée."
                )
            if report.ok:
                self.stdout.write(report.summary())
        if not report.ok:
            raise CommandError(report.summary())


def _cohort(name: str, certifier_name: str | None) -> Cohort:
    cohorts = Cohort.objects.select_related("certifier").filter(name=name)
    if certifier_name:
        certifier = Organisation.objects.filter(
            kind=OrganisationKind.CERTIFIER, name=certifier_name
        ).first()
        if certifier is None:
            raise CommandError(f"Aucun certificateur « {certifier_name} ».")
        cohorts = cohorts.filter(certifier=certifier)
    found = list(cohorts[:2])
    if not found:
        raise CommandError(f"Aucune promotion « {name} »" + _of(certifier_name) + ".")
    if len(found) > 1:
        raise CommandError(
            f"Plusieurs certificateurs ont une promotion « {name} » : précisez --certifier."
        )
    return found[0]


def _of(certifier_name: str | None) -> str:
    return f" chez « {certifier_name} »" if certifier_name else ""
