from datetime import timedelta

from acquis import maintenance
from acquis.cli import AcquisCommand


class Command(AcquisCommand):
    help = (
        "Maintenance quotidienne : point de contrôle signé du journal d'audit, fin des "
        "verrous expirés, durées de conservation (RGPD). `--schedule` la confie au processus "
        "de traitement (`acquis db_worker`), qui la relance chaque jour."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Met la prochaine exécution en file (dans une minute) sans rien faire d'autre.",
        )

    def handle(self, *args, schedule=False, **options):
        if schedule:
            queued = maintenance.schedule_next(delay=timedelta(minutes=1))
            self.stdout.write(
                "Maintenance quotidienne mise en file."
                if queued
                else "Maintenance quotidienne déjà en file : rien à faire."
            )
            return
        for name, value in maintenance.run_maintenance().items():
            self.stdout.write(f"{name} : {value}")
