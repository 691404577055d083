"""`acquis db_worker`: django-tasks-db's worker, plus a heartbeat row for /sante/pret/.

The library's worker takes each task with `SELECT … FOR UPDATE SKIP LOCKED` and claims it in
the same transaction (django_tasks_db.models.DBTaskResultQuerySet.get_locked): any number of
workers on one PostgreSQL never run the same task twice.
"""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

from acquis.ops.heartbeat import Heartbeat


class Command(WorkerCommand):
    help = (
        "Traite les tâches en arrière-plan (lots de délivrance) ; à lancer en permanence, "
        "autant de processus que voulu sur une même base PostgreSQL."
    )

    def handle(self, *args, **options):
        # With --reload, the parent process only watches the files: its child works.
        watching = options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if watching:
            return super().handle(*args, **options)
        heartbeat = Heartbeat(options["worker_id"]).start()
        try:
            return super().handle(*args, **options)
        finally:
            heartbeat.stop()
