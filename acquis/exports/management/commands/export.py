"""acquis export accrochage [--since DATE] --out FILE [--certifier NAME]
acquis export accrochage-report FILE"""

import shutil
from datetime import date
from pathlib import Path

from django.core.management.base import CommandError, CommandParser

from acquis.cli import AcquisCommand
from acquis.exports.accrochage import AccrochageError, export_accrochage
from acquis.exports.reports import ReportError, import_report_file
from acquis.organisations.enums import OrganisationKind
from acquis.organisations.models import Organisation


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--since : date AAAA-MM-JJ attendue, « {value} » reçu.") from error


class Command(AcquisCommand):
    help = "Exports : déclaration des titulaires à la Caisse des Dépôts (accrochage)."

    def add_arguments(self, parser: CommandParser):
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        p = sub.add_parser(
            "accrochage",
            help="Construit, valide (XSD) et enregistre le fichier des titulaires à déclarer.",
        )
        p.add_argument("--out", required=True, help="Fichier XML à écrire.")
        p.add_argument(
            "--since", help="Seulement les délibérations depuis cette date (AAAA-MM-JJ)."
        )
        p.add_argument("--certifier", help="Nom du certificateur, s'il y en a plusieurs.")
        r = sub.add_parser(
            "accrochage-report",
            help="Importe le compte rendu de traitement de la CDC (XML ou CSV).",
        )
        r.add_argument("file", help="Compte rendu (voir docs : formats acceptés).")

    def handle(self, *args, action, **options):
        getattr(self, "do_" + action.replace("-", "_"))(**options)

    def do_accrochage(self, *, out, since, certifier, **_):
        since_date = _date(since) if since else None
        try:
            result = export_accrochage(_certifier(certifier), since=since_date)
        except AccrochageError as error:
            raise CommandError(str(error)) from error
        for row in result.skipped:
            self.stderr.write(
                f"Non déclaré : {row.decision.candidacy.candidate.full_name} (décision du "
                f"{row.decision.deliberation.date:%d/%m/%Y}) : {row.reason}"
            )
        batch = result.batch
        with batch.file.open("rb") as source, Path(out).open("wb") as target:
            shutil.copyfileobj(source, target)
        self.stdout.write(
            f"{out} : {batch.line_count} passage(s) déclaré(s), fichier valide selon le "
            f"schéma XSD de la CDC (SHA-256 {batch.sha256})."
        )

    def do_accrochage_report(self, *, file, **_):
        try:
            result = import_report_file(Path(file))
        except ReportError as error:
            raise CommandError(f"{file} : {error}") from error
        self.stdout.write(result.summary())


def _certifier(name: str | None) -> Organisation:
    certifiers = Organisation.objects.filter(kind=OrganisationKind.CERTIFIER)
    if name:
        certifiers = certifiers.filter(name=name)
    found = list(certifiers.order_by("pk")[:2])
    if not found:
        raise CommandError(f"Aucun certificateur « {name} »." if name else "Aucun certificateur.")
    if len(found) > 1:
        raise CommandError("Plusieurs certificateurs : précisez --certifier NOM.")
    return found[0]
