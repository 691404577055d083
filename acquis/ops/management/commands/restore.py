"""`acquis restore DIR`: a backup into an empty database and storage, then verified."""

from django.core.management.base import CommandError

from acquis.cli import AcquisCommand
from acquis.ops.backup import BackupError, restore


class Command(AcquisCommand):
    help = (
        "Restaure une sauvegarde d'`acquis backup` dans une base vide, vérifie chaque "
        "empreinte, puis chaque document et la chaîne d'audit."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="DOSSIER", help="dossier écrit par acquis backup")

    def handle(self, *args, source, **options):
        try:
            report = restore(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restauration terminée : {report.files} fichier(s) stocké(s), {report.keys} "
            f"clé(s) ; {report.documents_checked} document(s) conformes à leur empreinte, "
            f"chaîne d'audit intègre ({report.audit_events} événement(s))."
        )
        for note in report.notes:
            self.stdout.write(f"Remarque : {note}")
