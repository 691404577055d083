"""`acquis serve`: the production web server (gunicorn), after checking that it can serve.

Workers: WEB_CONCURRENCY, else 2 × the CPUs this process may use + 1 (gunicorn's rule of
thumb: a worker waits on the database while another computes). Each worker is a process:
nothing is shared but the database and the storage, so several machines can run it too.
"""

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from acquis.ops import health
from config.env import ConfigurationError, envint

PREFLIGHT = ("base_de_donnees", "migrations", "stockage", "cles", "fichiers_statiques")


def default_workers() -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return 2 * (cpus or 1) + 1


def gunicorn_argv(*, bind: str, workers: int, timeout: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        # A batch of documents runs in the worker, not in a request: 60 s is generous.
        "--timeout",
        str(timeout),
        "--graceful-timeout",
        "30",
        # Settings and code loaded once in the master: a configuration error shows once.
        "--preload",
        # Workers renewed now and then: memory fragmentation never accumulates.
        "--max-requests",
        "2000",
        "--max-requests-jitter",
        "200",
        # The request lines come from Django (acquis.requests, with the request id).
        "--error-logfile",
        "-",
        # No control socket: it would be written in the home folder (read-only in the image).
        "--no-control-socket",
        "--worker-tmp-dir",
        "/dev/shm" if os.path.isdir("/dev/shm") else "/tmp",  # noqa: S108 - gunicorn's heartbeat files
    ]


class Command(BaseCommand):
    help = (
        "Sert Acquis en production (gunicorn), après avoir vérifié la base, les migrations, "
        "le stockage, les clés et les fichiers statiques."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind",
            default=os.environ.get("ACQUIS_BIND", "0.0.0.0:8000"),  # noqa: S104 - in a container
            help="adresse:port d'écoute (ACQUIS_BIND ; défaut 0.0.0.0:8000)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="processus web (WEB_CONCURRENCY ; défaut 2 × processeurs + 1)",
        )
        parser.add_argument("--timeout", type=int, default=60, help="secondes par requête")

    def handle(self, *args, bind, workers, timeout, **options):
        if settings.DEBUG:
            raise CommandError(
                "acquis serve : DEBUG est actif ; ce serveur est celui de la production."
            )
        problems = [
            check.message
            for name, check in ((n, health.CHECKS[n]()) for n in PREFLIGHT)
            if not check.ok
        ]
        if problems:
            raise CommandError(
                "Acquis ne démarre pas :\n" + "\n".join(f"- {message}" for message in problems)
            )
        try:
            count = workers or envint("WEB_CONCURRENCY", default_workers())
        except ConfigurationError as exc:
            raise CommandError(str(exc)) from exc
        if count < 1:
            raise CommandError("--workers / WEB_CONCURRENCY : au moins 1 processus.")
        self.stdout.write(f"Acquis sur {bind} ({count} processus web, gunicorn).")
        self.stdout.flush()
        argv = gunicorn_argv(bind=bind, workers=count, timeout=timeout)
        connections.close_all()  # nothing of this process survives into gunicorn
        os.execv(argv[0], argv)  # noqa: S606 - our own interpreter, fixed arguments
