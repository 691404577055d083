"""The jury portal's home: my sittings today, then the coming and past ones; my convocations."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from acquis.evaluations import convocations
from acquis.evaluations.enums import SessionStatus
from acquis.evaluations.models import EvaluationSession
from acquis.www.jury.deliberation_views import member_deliberations
from acquis.www.jury.perms import assessed_slots, juror_required


@require_GET
@juror_required
def home(request):
    today = timezone.localdate()
    slots = (
        assessed_slots(request.juror)
        .exclude(session__status=SessionStatus.CANCELLED)
        .prefetch_related(convocations.active_accommodations())
        .order_by("starts_at", "pk")
    )
    grids = {g.slot_id: g for g in request.juror.grids.filter(slot__in=slots)}
    for slot in slots:
        slot.measures = convocations.accommodation_measures(slot.candidacy)
    rows = [(slot, grids.get(slot.pk)) for slot in slots]
    sessions = {slot.session.pk: slot.session for slot, _ in rows}
    return render(
        request,
        "www/jury/home.html",
        {
            "juror": request.juror,
            "today": today,
            "today_rows": [r for r in rows if r[0].session.date == today],
            "coming_rows": [r for r in rows if r[0].session.date > today],
            "past_rows": [r for r in reversed(rows) if r[0].session.date < today],
            "sessions": sorted(sessions.values(), key=lambda s: (s.date, s.pk)),
            "deliberations": member_deliberations(request.user),
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
