"""The jury portal's home: my sittings today, then the coming and past ones."""

from django.shortcuts import render
from django.utils import timezone

from acquis.evaluations.enums import SessionStatus
from acquis.www.jury.perms import assessed_slots, juror_required


@juror_required
def home(request):
    today = timezone.localdate()
    slots = (
        assessed_slots(request.juror)
        .exclude(session__status=SessionStatus.CANCELLED)
        .order_by("starts_at", "pk")
    )
    grids = {g.slot_id: g for g in request.juror.grids.filter(slot__in=slots)}
    rows = [(slot, grids.get(slot.pk)) for slot in slots]
    return render(
        request,
        "www/jury/home.html",
        {
            "juror": request.juror,
            "today": today,
            "today_rows": [r for r in rows if r[0].session.date == today],
            "coming_rows": [r for r in rows if r[0].session.date > today],
            "past_rows": [r for r in rows if r[0].session.date < today],
        },
    )
