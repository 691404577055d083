"""`acquis backup --out DIR`: database, stored files and keys, with a manifest of SHA-256s."""

from django.core.management.base import CommandError

from acquis.cli import AcquisCommand
from acquis.ops.backup import BackupError, backup


class Command(AcquisCommand):
    help = (
        "Sauvegarde la base (pg_dump ou sauvegarde en ligne SQLite), les fichiers stockés et "
        "les clés dans un dossier neuf, avec un manifeste des empreintes SHA-256."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--out", required=True, metavar="DOSSIER", help="dossier vide ou absent"
        )

    def handle(self, *args, out, **options):
        try:
            manifest = backup(out)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        kinds = [entry["type"] for entry in manifest["fichiers"]]
        self.stdout.write(
            f"Sauvegarde écrite dans {out} : base {manifest['moteur']}, "
            f"{kinds.count('fichier')} fichier(s) stocké(s), {kinds.count('cle')} clé(s)."
        )
        for note in manifest["remarques"]:
            self.stdout.write(f"Remarque : {note}")
