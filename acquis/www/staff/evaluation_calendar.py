"""The staff calendar of the evaluations: sessions and their sittings by month or by week,
filtered per room or per juror, double bookings highlighted, printable.

Everything shown is read in a constant number of queries whatever the number of sittings:
the sessions of the period, its sittings (with their assessors and their session's panel)
and the certifier's jurors; the double bookings are found among the sittings read (the same
rule as bookings.clashes: a juror, or a room at a place, in two overlapping sittings).
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from acquis.evaluations import bookings
from acquis.evaluations.enums import SlotStatus
from acquis.evaluations.models import (
    EvaluationSession,
    JurorProfile,
    PanelMember,
    Slot,
    SlotAssessor,
)
from acquis.www.perms import staff_required
from acquis.www.staff import access

MONTH, WEEK = "mois", "semaine"
MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


@dataclass
class Sitting:
    slot: Slot
    jurors: dict[int, str]
    clashes: list[str] = field(default_factory=list)

    @property
    def room(self) -> str:
        return self.slot.room


@dataclass
class Day:
    on: date
    in_period: bool
    sessions: list = field(default_factory=list)
    sittings: list = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{WEEKDAYS[self.on.weekday()]} {self.on.day} {MONTHS[self.on.month - 1]}"


def _day(value: str, today: date) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return today


def period(view: str, on: date) -> tuple[date, date, date, date]:
    """(first day shown, last day shown, previous period's day, next period's day)."""
    if view == WEEK:
        start = on - timedelta(days=on.weekday())
        return start, start + timedelta(days=6), start - timedelta(days=7), start + timedelta(7)
    first = on.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    start = first - timedelta(days=first.weekday())
    end = last + timedelta(days=6 - last.weekday())
    previous = (first - timedelta(days=1)).replace(day=1)
    return start, end, previous, last + timedelta(days=1)


def title(view: str, on: date, start: date, end: date) -> str:
    if view == WEEK:
        return (
            f"Semaine du {start.day} {MONTHS[start.month - 1]} au {end.day} "
            f"{MONTHS[end.month - 1]} {end.year}"
        )
    return f"{MONTHS[on.month - 1].capitalize()} {on.year}"


def _mark_clashes(sittings: list[Sitting]) -> int:
    """Mark each sitting with the double bookings it takes part in; how many pairs."""
    pairs = 0
    for index, first in enumerate(sittings):
        a = first.slot
        for second in sittings[index + 1 :]:
            b = second.slot
            if b.starts_at >= a.ends_at:
                break  # sorted by start: no later sitting overlaps `first`
            if not (a.starts_at < b.ends_at and b.starts_at < a.ends_at):
                continue
            why = [first.jurors[j] for j in sorted(set(first.jurors) & set(second.jurors))]
            room_a = bookings.Sitting(a.session, a.starts_at, a.ends_at, room=a.room).room_key
            room_b = bookings.Sitting(b.session, b.starts_at, b.ends_at, room=b.room).room_key
            if room_a and room_a == room_b:
                why.append(f"salle {a.room}")
            if not why:
                continue
            pairs += 1
            who = ", ".join(why)
            first.clashes.append(f"{who} : aussi {_slot_text(b)}")
            second.clashes.append(f"{who} : aussi {_slot_text(a)}")
    return pairs


def _slot_text(slot) -> str:
    start, end = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
    return f"{start:%H:%M}–{end:%H:%M}, {slot.assessment.code} (session « {slot.session.title} »)"


@staff_required
@require_GET
def staff_calendar(request):
    today = timezone.localdate()
    view = WEEK if request.GET.get("vue") == WEEK else MONTH
    on = _day(request.GET.get("jour"), today)
    start, end, previous, following = period(view, on)
    certifiers = access.certifiers(request.user)
    zone = timezone.get_current_timezone()
    sessions = list(
        EvaluationSession.objects.filter(
            certifier__in=certifiers, date__gte=start, date__lte=end
        ).order_by("date", "pk")
    )
    slots = (
        Slot.objects.filter(
            session__certifier__in=certifiers,
            starts_at__gte=datetime.combine(start, time.min, tzinfo=zone),
            starts_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
        )
        .exclude(status=SlotStatus.CANCELLED)
        .select_related("session", "assessment", "candidacy__candidate")
        .prefetch_related(
            Prefetch(
                "assessor_links",
                queryset=SlotAssessor.objects.select_related("juror__user").order_by("pk"),
            ),
            Prefetch(
                "session__panel",
                queryset=PanelMember.objects.select_related("juror__user").order_by("pk"),
            ),
        )
        .order_by("starts_at", "pk")
    )
    sittings = []
    for slot in slots:
        panel = {m.juror_id: str(m.juror) for m in slot.session.panel.all()}
        sittings.append(Sitting(slot, bookings.sitting_of(slot, panel=panel).jurors))
    scheduled = [s for s in sittings if s.slot.status == SlotStatus.SCHEDULED]
    clash_count = _mark_clashes(scheduled)
    jurors = list(
        JurorProfile.objects.filter(certifier__in=certifiers)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    rooms = sorted({s.room for s in sittings if s.room}, key=str.casefold)
    room = request.GET.get("salle", "").strip()
    juror = request.GET.get("jure", "")
    juror_id = int(juror) if juror.isdigit() else None
    shown = [
        s
        for s in sittings
        if (not room or s.room.casefold() == room.casefold())
        and (juror_id is None or juror_id in s.jurors)
    ]
    days = {}
    current = start
    while current <= end:
        in_period = view == WEEK or current.month == on.month
        days[current] = Day(current, in_period)
        current += timedelta(days=1)
    for session in sessions:
        if juror_id is None and not room:
            days[session.date].sessions.append(session)
    for sitting in shown:
        days[timezone.localtime(sitting.slot.starts_at).date()].sittings.append(sitting)
    if juror_id is not None or room:
        for sitting in shown:  # the sessions of the sittings shown
            day = days[sitting.slot.session.date]
            if sitting.slot.session not in day.sessions:
                day.sessions.append(sitting.slot.session)
    ordered = list(days.values())
    weeks = [ordered[i : i + 7] for i in range(0, len(ordered), 7)]
    context = {
        "view": view,
        "MONTH": MONTH,
        "WEEK": WEEK,
        "on": on,
        "title": title(view, on, start, end),
        "weeks": weeks,
        "weekdays": WEEKDAYS,
        "previous": previous.isoformat(),
        "following": following.isoformat(),
        "today": today.isoformat(),
        "jurors": jurors,
        "rooms": rooms,
        "room": room,
        "juror_id": juror_id,
        "clash_count": clash_count,
        "sitting_count": len(shown),
    }
    return render(request, "www/staff/evaluations/calendar.html", context)
