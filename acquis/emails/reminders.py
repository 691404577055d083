"""Reminders before a deadline, sent by the daily maintenance (acquis.maintenance).

- deliverables: a candidate convoked to a sitting whose preparatory deliverables are not all
  deposited, from `deliverables_days` before the session's deadline until the deadline;
- memoir: a candidate whose candidacy is open and whose memoir is not deposited, from
  `memoir_days` before the memoir deadline until the deadline;
- convocation: a candidate convoked to a sitting who has not confirmed her presence in her
  space, from `convocation_days` before the sitting until it begins (`convocation_enabled`
  switches this one alone off). The key holds the slot's start: a moved slot, whose
  confirmation a re-sent convocation cleared, gets one more reminder.

The delays and the switch live in `ACQUIS_REMINDERS` (settings; docs/emails.md). Each
reminder has a key (what, which object, which deadline): once sent to an address under a
key, it is never sent there again (the log's unique constraint), so the task may run twice a
day, or again after a failure, without writing twice. A moved deadline is a new deadline: one
more reminder. Every reminder goes through the e-mail log.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from acquis.candidates.models import Candidacy
from acquis.emails.enums import EmailKind, EmailStatus
from acquis.emails.exceptions import EmailError
from acquis.emails.models import EmailLog
from acquis.emails.services import render, send_email
from acquis.evaluations import deliverables
from acquis.evaluations.enums import SessionStatus, SlotStatus
from acquis.evaluations.models import Slot
from acquis.organisations import certifier_settings
from acquis.site import public_url

# Candidacies past these states have nothing more to deposit.
CLOSED = ("decided", "withdrawn", "abandoned", "not_admissible")


@dataclass
class ReminderReport:
    sent: dict[str, int] = field(default_factory=dict)
    failed: int = 0
    details: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.sent.values())

    def add(self, kind: str, log) -> None:
        if log.status == EmailStatus.SENT:
            self.sent[kind] = self.sent.get(kind, 0) + 1
        else:
            self.failed += 1
            self.details.append(f"{log.recipient} : {log.error}")


def _config() -> dict:
    return settings.ACQUIS_REMINDERS


def _candidate_email(candidate) -> str:
    if candidate.email:
        return candidate.email
    return candidate.user.email if candidate.user_id else ""


def _already_sent(key: str, to: str) -> bool:
    return EmailLog.objects.filter(key=key, recipient=to, status=EmailStatus.SENT).exists()


def _remind(report, *, kind, to, template, context, key, now, **related) -> None:
    if not to or _already_sent(key, to):
        return
    subject, body = render(template, context)
    try:
        log = send_email(kind=kind, to=to, subject=subject, body=body, key=key, now=now, **related)
    except EmailError:  # sent meanwhile by another run
        return
    report.add(kind, log)


def _deliverable_slots(today: date):

    days = _config()["deliverables_days"]
    start = timezone.make_aware(datetime.combine(today, time.min))
    return (
        Slot.objects.filter(
            status=SlotStatus.SCHEDULED,
            convoked_at__isnull=False,
            session__status__in=(SessionStatus.PLANNED, SessionStatus.PANEL_CONFIRMED),
            session__deliverables_due_at__gte=start,
            session__deliverables_due_at__lt=start + timedelta(days=days + 1),
            assessment__deliverables__isnull=False,
        )
        .distinct()
        .select_related("session__certifier", "assessment", "candidacy__candidate__user")
        .prefetch_related("assessment__deliverables")
    )


def remind_deliverables(report: ReminderReport, *, today: date, now) -> None:

    slots = list(_deliverable_slots(today))
    deposited = deliverables.current_for_slots(slots)
    for slot in slots:
        missing = [
            d for d in slot.assessment.deliverables.all() if (slot.pk, d.pk) not in deposited
        ]
        due = slot.session.deliverables_due_at
        if not missing or due <= now:
            continue
        candidate = slot.candidacy.candidate
        context = {
            "candidate": candidate,
            "slot": slot,
            "missing": missing,
            "due": timezone.localtime(due),
            "url": public_url(reverse("candidate:deliverables")),
            "certifier": _signature(slot.session.certifier),
        }
        _remind(
            report,
            kind=EmailKind.REMINDER_DELIVERABLES,
            to=_candidate_email(candidate),
            template="reminder_deliverables",
            context=context,
            key=f"deliverables:slot-{slot.pk}:{due.isoformat()}",
            now=now,
            candidacy=slot.candidacy,
            session=slot.session,
        )


def remind_memoirs(report: ReminderReport, *, today: date, now) -> None:

    days = _config()["memoir_days"]
    candidacies = (
        Candidacy.objects.filter(
            memoir_deadline__gte=today, memoir_deadline__lte=today + timedelta(days=days)
        )
        .exclude(status__in=CLOSED)
        .exclude(memoir__submitted_at__isnull=False)
        .select_related("candidate__certifier", "candidate__user", "version")
    )
    for candidacy in candidacies:
        candidate = candidacy.candidate
        context = {
            "candidate": candidate,
            "candidacy": candidacy,
            "deadline": candidacy.memoir_deadline,
            "certification": candidacy.version.title,
            "url": public_url(reverse("candidate:memoir", args=[candidacy.pk])),
            "certifier": _signature(candidate.certifier),
        }
        _remind(
            report,
            kind=EmailKind.REMINDER_MEMOIR,
            to=_candidate_email(candidate),
            template="reminder_memoir",
            context=context,
            key=f"memoir:candidacy-{candidacy.pk}:{candidacy.memoir_deadline.isoformat()}",  # type: ignore[union-attr]
            now=now,
            candidacy=candidacy,
        )


def remind_convocations(report: ReminderReport, *, today: date, now) -> None:

    config = _config()
    if not config.get("convocation_enabled", True):
        return
    days = config.get("convocation_days", 3)
    start = timezone.make_aware(datetime.combine(today, time.min))
    slots = (
        Slot.objects.filter(
            status=SlotStatus.SCHEDULED,
            convoked_at__isnull=False,
            presence_confirmed_at__isnull=True,
            session__status__in=(SessionStatus.PANEL_CONFIRMED, SessionStatus.OPENED),
            starts_at__gt=now,
            starts_at__lt=start + timedelta(days=days + 1),
        )
        .select_related("session__certifier", "assessment", "candidacy__candidate__user")
        .order_by("starts_at", "pk")
    )
    for slot in slots:
        candidate = slot.candidacy.candidate
        context = {
            "candidate": candidate,
            "slot": slot,
            "starts_at": timezone.localtime(slot.starts_at),
            "url": public_url(reverse("candidate:convocation", args=[slot.pk])),
            "certifier": _signature(slot.session.certifier),
        }
        _remind(
            report,
            kind=EmailKind.REMINDER_CONVOCATION,
            to=_candidate_email(candidate),
            template="reminder_convocation",
            context=context,
            key=f"convocation:slot-{slot.pk}:{slot.starts_at.isoformat()}",
            now=now,
            candidacy=slot.candidacy,
            session=slot.session,
        )


def _signature(certifier) -> str:

    return certifier_settings.display_name(certifier)


def send_reminders(*, today: date | None = None, now=None) -> ReminderReport:
    """Every reminder due on `today` not sent yet (nothing when `ACQUIS_REMINDERS` is off)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    report = ReminderReport()
    if not _config()["enabled"]:
        return report
    remind_deliverables(report, today=today, now=now)
    remind_memoirs(report, today=today, now=now)
    remind_convocations(report, today=today, now=now)
    return report
