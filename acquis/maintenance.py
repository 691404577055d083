"""Daily maintenance, run by the database worker (`acquis db_worker`).

One task, `daily_maintenance`, does the periodic work: a signed checkpoint of the audit
chain, the end of expired locks (audited), the retention policy (RGPD purge), and the
insertion surveys (closing due campaigns, reminders, pseudonymising old answers), the
reminders before deadlines (acquis.emails.reminders), the deletion of the background
exports' files past their retention (acquis.candidates.export_jobs). When it
ends, it enqueues its next run for 24 hours later (django-tasks' `run_after`): the worker
needs no cron. The first run is enqueued by `acquis maintenance --schedule` (run by
`make run`; in production once after deployment — a second call enqueues nothing while one
is waiting). Without the worker, a cron line `acquis maintenance` does the same work.
"""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from acquis.audit import checkpoints
from acquis.candidates import export_jobs
from acquis.emails import reminders
from acquis.followup import services as followup
from acquis.rgpd import retention
from acquis.security import throttle

TASK_PATH = "acquis.maintenance.daily_maintenance"


def run_maintenance(*, now=None) -> dict:
    """Each step on its own: a step that fails is reported and the others still run."""
    now = now or timezone.now()
    steps = {
        "checkpoint": lambda: checkpoints.write_checkpoint("daily").event_count,
        "locks_ended": lambda: throttle.expire_locks(now=now),
        "purged": lambda: retention.apply_retention(now=now).total,
        "surveys": lambda: followup.daily(now=now),
        "reminders": lambda: reminders.send_reminders(now=now).total,
        "exports_expired": lambda: export_jobs.expire_old(now=now),
    }
    summary = {}
    for name, step in steps.items():
        try:
            summary[name] = step()
        except Exception as exc:  # noqa: BLE001 - reported, the next step still runs
            summary[name] = f"échec : {exc}"
    return summary


def schedule_next(*, delay: timedelta = timedelta(days=1)) -> bool:
    """Enqueue the next run unless one is already waiting; True when enqueued."""
    waiting = DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").exists()
    if waiting:
        return False
    daily_maintenance.using(run_after=timezone.now() + delay).enqueue()
    return True


@task()
def daily_maintenance() -> dict:
    summary = run_maintenance()
    schedule_next()
    return summary
