"""`acquis credentials issue DELIBERATION_ID [--background]`: run (or resume) the issuing batch
of a signed deliberation in this process, its progress on stderr (a bar on a terminal, plain
lines otherwise); `--background` only queues it for `acquis db_worker` and prints its number.
(A module whose name starts with "_" is not a command of its own.)"""

from django.core.management.base import CommandError

from acquis.credentials import batches
from acquis.credentials.enums import BatchStatus
from acquis.juries.models import Deliberation

BAR_WIDTH = 30
LINES = 20  # plain lines printed for a whole batch when stderr is not a terminal


class Progress:
    def __init__(self, stream):
        self.stream = stream
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.last = None

    def update(self, batch):
        done, total = batch.processed, batch.total
        label = f"{done} / {total} décisions"
        if self.tty:
            filled = BAR_WIDTH if not total else BAR_WIDTH * done // total
            bar = "█" * filled + "░" * (BAR_WIDTH - filled)
            self.stream.write(f"\rLot n° {batch.pk} [{bar}] {label}", ending="")
            self.stream.flush()
        elif done != self.last and (done % max(1, total // LINES) == 0 or done == total):
            self.stream.write(f"Lot n° {batch.pk} : {label}")
        self.last = done

    def close(self):
        if self.tty and self.last is not None:
            self.stream.write("")


def _prepare(deliberation, *, enqueue: bool):
    latest = batches.latest_for(deliberation)
    if latest is not None and latest.status == BatchStatus.QUEUED and not enqueue:
        return latest  # queued, no worker yet: this process takes it
    if latest is not None and batches.can_resume(latest):
        return batches.resume(latest, actor=None, enqueue=enqueue)
    return batches.request_batch(deliberation, actor=None, enqueue=enqueue)


def issue(command, deliberation_id: int, *, background: bool) -> None:
    deliberation = Deliberation.objects.filter(pk=deliberation_id).first()
    if deliberation is None:
        raise CommandError(f"Délibération n° {deliberation_id} introuvable.")
    try:
        batch = _prepare(deliberation, enqueue=background)
    except batches.BatchError as error:
        raise CommandError(str(error)) from error
    if background:
        command.stdout.write(
            f"Lot n° {batch.pk} mis en file d'attente ({batch.total} décisions, tâche "
            f"{batch.task_id}) ; un processus « acquis db_worker » le traitera."
        )
        return
    progress = Progress(command.stderr)
    try:
        batch = batches.run(batch.pk, on_progress=progress.update)
    except Exception as error:  # the French reason, never a traceback (it is logged)
        progress.close()
        batch.refresh_from_db()
        raise CommandError(
            f"Lot n° {batch.pk} interrompu : {batch.error or batches.UNEXPECTED}"
        ) from error
    progress.close()
    if batch.status == BatchStatus.FAILED:
        raise CommandError(f"Lot n° {batch.pk} interrompu : {batch.error}")
    if batch.status != BatchStatus.DONE:
        raise CommandError(
            f"Lot n° {batch.pk} : un autre processus le traite (« {batch.get_status_display()} »)."
        )
    command.stdout.write(
        f"Lot n° {batch.pk} terminé : {batch.processed} / {batch.total} décisions, "
        f"{batch.documents_issued} document(s) et {batch.badges_issued} badge(s) délivrés, "
        f"{batch.skipped} décision(s) sans nouveau document."
    )
