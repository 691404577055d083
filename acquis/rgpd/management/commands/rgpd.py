from pathlib import Path

from django.core.management.base import CommandError

from acquis.candidates.models import Candidate
from acquis.cli import AcquisCommand
from acquis.rgpd import erasure, export, retention


class Command(AcquisCommand):
    help = (
        "Protection des données : `export CANDIDAT --out FICHIER.zip` (droit d'accès), "
        "`erase CANDIDAT --oui` (effacement dans le respect des durées légales), "
        "`purge [--dry-run]` (durées de conservation)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        exp = sub.add_parser("export", help="Toutes les données d'un candidat (ZIP).")
        exp.add_argument("candidate", metavar="CANDIDAT", help="numéro du candidat")
        exp.add_argument("--out", metavar="FICHIER", required=True)
        erase = sub.add_parser("erase", help="Efface ou pseudonymise un candidat.")
        erase.add_argument("candidate", metavar="CANDIDAT", help="numéro du candidat")
        erase.add_argument("--oui", action="store_true", help="confirme l'effacement")
        purge = sub.add_parser("purge", help="Applique les durées de conservation.")
        purge.add_argument("--dry-run", action="store_true", help="liste sans rien effacer")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _candidate(self, value) -> Candidate:
        try:
            return Candidate.objects.get(pk=int(value))
        except (ValueError, Candidate.DoesNotExist) as exc:
            raise CommandError(
                f"Candidat « {value} » introuvable : donnez son numéro (visible dans "
                "l'adresse de sa fiche, /gestion/candidats/<numéro>/)."
            ) from exc

    def _export(self, candidate, out, **options):
        data = export.export_candidate(self._candidate(candidate), actor=None)
        try:
            Path(out).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"{out} : écriture impossible ({exc.strerror}).") from exc
        self.stdout.write(f"Export écrit dans {out} ({len(data)} octets).")

    def _erase(self, candidate, oui=False, **options):
        person = self._candidate(candidate)
        if not oui:
            raise CommandError("L'effacement est définitif : relancez avec --oui pour confirmer.")
        report = erasure.erase_candidate(person, actor=None)
        kept = (
            "identité conservée (décisions)" if report.identity_kept else "identité pseudonymisée"
        )
        self.stdout.write(
            f"Candidat n° {report.candidate_id} effacé : {kept}, "
            f"{report.documents_purged} pièce(s) effacée(s), "
            f"{len(report.audit_events)} événement(s) d'audit vidé(s)."
        )

    def _purge(self, dry_run=False, **options):
        report = retention.apply_retention(dry_run=dry_run)
        if dry_run:
            self.stdout.write("Simulation : rien n'est effacé.")
        for line in report.lines():
            self.stdout.write(line)
