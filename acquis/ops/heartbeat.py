"""A worker's heartbeat: a thread that refreshes its row every ACQUIS_WORKER_HEARTBEAT_SECONDS,
whether the worker sleeps or runs a long batch, and removes it when the worker stops."""

import logging
import os
import socket
import threading

from django.conf import settings
from django.db import connection
from django.utils import timezone

from acquis.ops.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


class Heartbeat:
    def __init__(self, worker_id: str):
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="acquis-heartbeat", daemon=True)

    def beat(self) -> None:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": self.started_at,
                "seen_at": timezone.now(),
            },
        )

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    self.beat()
                except Exception:
                    # The database may be away for a while: say so, try again next time.
                    logger.warning("Signe de vie du processus non enregistré", exc_info=True)
                    connection.close()
                self._stop.wait(settings.ACQUIS_WORKER_HEARTBEAT_SECONDS)
        finally:
            connection.close()  # this thread's own connection

    def start(self) -> "Heartbeat":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except Exception:
            logger.warning("Signe de vie du processus non effacé", exc_info=True)
