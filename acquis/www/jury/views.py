"""The jury portal's home: my sittings today, then the coming and past ones; my convocations."""

import re
from datetime import date, timedelta

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from acquis.evaluations import convocations
from acquis.evaluations.enums import SessionStatus
from acquis.evaluations.models import EvaluationSession
from acquis.www.jury.deliberation_views import member_deliberations
from acquis.www.jury.perms import assessed_slots, juror_required
from acquis.www.pagination import paginate

# The home page shows today and the next HORIZON_DAYS days, at most HOME_LIMIT slots for
# the coming ones and for the recent past ones; the rest is on the paginated pages.
HORIZON_DAYS = 14
HOME_LIMIT = 30
HOME_DELIBERATIONS = 10
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _my_slots(juror):
    return (
        assessed_slots(juror)
        .exclude(session__status=SessionStatus.CANCELLED)
        .prefetch_related(convocations.active_accommodations())
    )


def _rows(juror, slots) -> list[tuple]:
    """(slot, my grid or None) for slots already loaded: one query for all the grids."""
    slots = list(slots)
    grids = {g.slot_id: g for g in juror.grids.filter(slot__in=[s.pk for s in slots])}
    for slot in slots:
        slot.measures = convocations.accommodation_measures(slot.candidacy)
    return [(slot, grids.get(slot.pk)) for slot in slots]


@require_GET
@juror_required
def home(request):
    juror = request.juror
    today = timezone.localdate()
    horizon = today + timedelta(days=HORIZON_DAYS)
    mine = _my_slots(juror)
    today_rows = _rows(juror, mine.filter(session__date=today).order_by("starts_at", "pk"))
    coming = mine.filter(session__date__gt=today, session__date__lte=horizon).order_by(
        "starts_at", "pk"
    )
    coming_rows = _rows(juror, coming[: HOME_LIMIT + 1])
    past = mine.filter(
        session__date__lt=today, session__date__gte=today - timedelta(days=HORIZON_DAYS)
    ).order_by("-starts_at", "-pk")
    past_rows = _rows(juror, past[: HOME_LIMIT + 1])
    shown = today_rows + coming_rows[:HOME_LIMIT]
    sessions = {slot.session.pk: slot.session for slot, _ in shown}
    deliberations = list(member_deliberations(request.user)[: HOME_DELIBERATIONS + 1])
    return render(
        request,
        "www/jury/home.html",
        {
            "juror": juror,
            "today": today,
            "horizon": horizon,
            "horizon_days": HORIZON_DAYS,
            "today_rows": today_rows,
            "coming_rows": coming_rows[:HOME_LIMIT],
            "more_coming": len(coming_rows) > HOME_LIMIT
            or mine.filter(session__date__gt=horizon).exists(),
            "past_rows": past_rows[:HOME_LIMIT],
            "sessions": sorted(sessions.values(), key=lambda s: (s.date, s.pk)),
            "deliberations": deliberations[:HOME_DELIBERATIONS],
            "more_deliberations": len(deliberations) > HOME_DELIBERATIONS,
        },
    )


@require_GET
@juror_required
def coming(request):
    """Every coming sitting after today, in pages (the home page shows the first days)."""
    today = timezone.localdate()
    slots = _my_slots(request.juror).filter(session__date__gt=today).order_by("starts_at", "pk")
    pager = paginate(request, slots)
    rows = _rows(request.juror, pager.page.object_list)
    sessions = {slot.session.pk: slot.session for slot, _ in rows}
    return render(
        request,
        "www/jury/coming.html",
        {
            "pager": pager,
            "rows": rows,
            "sessions": sorted(sessions.values(), key=lambda s: (s.date, s.pk)),
        },
    )


def _month(value: str | None, today: date) -> date:
    """The first day of the month asked as YYYY-MM (the current month when absent or bad)."""
    match = MONTH.match(value or "")
    if match:
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return date(year, month, 1)
    return today.replace(day=1)


def _shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@require_GET
@juror_required
def past(request):
    """My past sittings, one month at a time (the most recent first), in pages."""
    today = timezone.localdate()
    first = _month(request.GET.get("mois"), today)
    following = _shift(first, 1)
    slots = (
        _my_slots(request.juror)
        .filter(session__date__gte=first, session__date__lt=min(following, today))
        .order_by("-starts_at", "-pk")
    )
    pager = paginate(request, slots)
    return render(
        request,
        "www/jury/past.html",
        {
            "pager": pager,
            "rows": _rows(request.juror, pager.page.object_list),
            "month": first,
            "month_value": first.strftime("%Y-%m"),
            "previous_month": _shift(first, -1).strftime("%Y-%m"),
            "next_month": following.strftime("%Y-%m") if following <= today else None,
        },
    )


def _assessed_session(juror, pk) -> EvaluationSession:
    """A session where this juror assesses a slot; 404 otherwise (cancelled ones too)."""
    session = (
        EvaluationSession.objects.filter(pk=pk, slots__assessor_links__juror=juror)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("version", "certifier")
        .first()
    )
    if session is None:
        raise Http404("Session introuvable.")
    return session


@require_GET
@juror_required
def convocation(request, pk):
    session = _assessed_session(request.juror, pk)
    context = {"convocation": convocations.juror_convocation(session, request.juror)}
    return render(request, "www/jury/convocation.html", context)


@require_GET
@juror_required
def convocation_ics(request, pk):
    session = _assessed_session(request.juror, pk)
    response = HttpResponse(
        convocations.juror_calendar(session, request.juror), content_type="text/calendar"
    )
    response["Content-Disposition"] = f'attachment; filename="convocation-jury-{session.pk}.ics"'
    return response
