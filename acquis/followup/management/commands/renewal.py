from pathlib import Path

from django.core.management.base import CommandError

from acquis.cli import AcquisCommand
from acquis.followup import renewal
from acquis.followup.exceptions import FollowupError
from acquis.referential.models import Certification


class Command(AcquisCommand):
    help = (
        "Dossier de renouvellement RNCP : `report --certification CODE --years 2023-2025 "
        "[--format texte|xlsx|pdf --out FICHIER]` (certifiés par année et voie d'accès, "
        "insertion à chaque délai, types de contrat, avec la méthode de chaque tableau)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        report = sub.add_parser("report", help="Les tableaux du dossier de renouvellement.")
        report.add_argument("--certification", metavar="CODE", required=True)
        report.add_argument("--years", metavar="AAAA-AAAA", required=True)
        report.add_argument("--format", choices=["texte", "xlsx", "pdf"], default="texte")
        report.add_argument("--out", metavar="FICHIER", help="obligatoire pour xlsx et pdf")

    def handle(self, *args, action, **options):
        certification = Certification.objects.filter(code=options["certification"]).first()
        if certification is None:
            raise CommandError(f"Aucune certification de code « {options['certification']} ».")
        if certification.owner is None:
            raise CommandError(
                "Cette certification n'a pas de certificateur gestionnaire : rien à présenter."
            )
        try:
            years = renewal.parse_years(options["years"])
            report = renewal.renewal_file([certification.owner], certification, years)
        except FollowupError as exc:
            raise CommandError(str(exc)) from exc
        fmt, out = options["format"], options.get("out")
        if fmt == "texte":
            self.stdout.write(self._text(report))
            return
        if not out:
            raise CommandError(f"--out FICHIER est obligatoire avec --format {fmt}.")
        data = renewal.xlsx(report) if fmt == "xlsx" else renewal.pdf(report)
        try:
            Path(out).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"{out} : écriture impossible ({exc.strerror}).") from exc
        self.stdout.write(f"Dossier écrit dans {out} ({len(data)} octets).")

    @staticmethod
    def _text(report) -> str:
        lines = [
            f"Dossier de renouvellement — {report.certification.title} ({report.period})",
            f"Certificateur : {report.certifier_name}",
        ]
        for table in report.tables:
            lines += ["", f"## {table.title}", " | ".join(table.columns)]
            lines += [" | ".join(renewal._text(value) for value in row) for row in table.rows]
            if not table.rows:
                lines.append("(aucune donnée sur la période)")
            lines.append(f"Méthode : {table.method}")
        return "\n".join(lines)
