"""What the operations side keeps in the database: the workers' heartbeats."""

from django.db import models


class WorkerHeartbeatQuerySet(models.QuerySet):
    def latest_seen(self):
        return self.order_by("-seen_at").first()


class WorkerHeartbeat(models.Model):
    """One row per running `acquis db_worker`, refreshed every ACQUIS_WORKER_HEARTBEAT_SECONDS
    (idle or busy) and removed when it stops; /sante/pret/ reads the age of the latest."""

    worker_id = models.CharField("identifiant du processus", max_length=64, unique=True)
    hostname = models.CharField("machine", max_length=255)
    pid = models.PositiveIntegerField("numéro de processus")
    started_at = models.DateTimeField("démarré le")
    seen_at = models.DateTimeField("dernier signe de vie", db_index=True)

    objects = WorkerHeartbeatQuerySet.as_manager()

    class Meta:
        verbose_name = "processus de traitement"
        verbose_name_plural = "processus de traitement"

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid} ({self.worker_id})"
