from pathlib import Path

from django.core.management.base import CommandError

from acquis.audit import checkpoints
from acquis.cli import AcquisCommand


class Command(AcquisCommand):
    help = (
        "Journal d'audit : `verify` vérifie la chaîne d'empreintes et le dernier point de "
        "contrôle signé ; `checkpoint` en signe un maintenant ; `checkpoints --export` les "
        "exporte en JSON."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify", help="Vérifie la chaîne et le dernier point de contrôle signé."
        )
        verify.add_argument(
            "--checkpoint",
            metavar="FICHIER",
            help="Vérifie aussi contre le dernier point de contrôle d'un export JSON.",
        )
        sub.add_parser("checkpoint", help="Signe un point de contrôle de la tête de chaîne.")
        export = sub.add_parser("checkpoints", help="Exporte les points de contrôle (JSON).")
        export.add_argument("--export", metavar="FICHIER", required=True)

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except checkpoints.CheckpointError as exc:
            raise CommandError(exc.message) from exc

    def _verify(self, checkpoint=None, **options):
        report = checkpoints.verify_against_checkpoint()
        if not report.ok:
            raise CommandError(report.message)
        if checkpoint:
            try:
                text = Path(checkpoint).read_text(encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"{checkpoint} : fichier illisible ({exc.strerror}).") from exc
            exported = checkpoints.verify_against_checkpoint(checkpoints.load_exported(text))
            if not exported.ok:
                raise CommandError(f"Contre l'export {checkpoint} : {exported.message}")
        for warning in report.warnings:
            self.stderr.write(f"Attention : {warning}")
        self.stdout.write(report.message)

    def _checkpoint(self, **options):
        written = checkpoints.write_checkpoint("manual")
        self.stdout.write(
            f"Point de contrôle n° {written.pk} signé : {written.event_count} événement(s)."
        )

    def _checkpoints(self, export, **options):
        try:
            Path(export).write_text(checkpoints.export_checkpoints(), encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{export} : écriture impossible ({exc.strerror}).") from exc
        self.stdout.write(f"Points de contrôle exportés dans {export}.")
