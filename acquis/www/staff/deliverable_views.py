"""Staff view of a session's preparatory deliverables: the deadline, and who deposited what.

A deposit is never late: the verb refuses any upload at or after the deadline, so a
required deliverable is either deposited (before the deadline) or missing.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from acquis.errors import AcquisError
from acquis.evaluations import deliverables
from acquis.evaluations.enums import SlotStatus
from acquis.evaluations.models import EvaluationSession
from acquis.www.perms import staff_required
from acquis.www.staff import access

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DeadlineForm(forms.Form):
    due_at = forms.DateTimeField(
        label="Date limite de dépôt des livrables",
        widget=DATETIME_WIDGET,
        help_text="Au plus tard le jour de la session ; les dépôts se ferment à cette heure.",
        error_messages={
            "required": "Date limite des livrables : indiquez une date et une heure.",
            "invalid": "Date limite des livrables : date et heure non reconnues.",
        },
    )


def _sessions(user):
    return EvaluationSession.objects.filter(certifier__in=access.certifier_ids(user))


def _rows(session):
    """(slot, [(deliverable, submission or None)]) for every slot asking for deliverables."""
    slots = list(
        session.slots.filter(assessment__deliverables__isnull=False)
        .distinct()
        .select_related("session", "assessment", "candidacy__candidate")
        .prefetch_related("assessment__deliverables")
        .order_by("starts_at", "pk")
    )
    counting = deliverables.current_for_slots(slots)
    rows = []
    for slot in slots:
        required = sorted(slot.assessment.deliverables.all(), key=lambda d: (d.position, d.pk))
        rows.append((slot, [(d, counting.get((slot.pk, d.pk))) for d in required]))
    return rows


@staff_required
@require_http_methods(["GET", "POST"])
def session_deliverables(request, pk):
    session = access.get_or_404(_sessions(request.user), pk=pk)
    initial = {}
    if session.deliverables_due_at:
        initial["due_at"] = timezone.localtime(session.deliverables_due_at)
    form = DeadlineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            deliverables.set_deadline(session, form.cleaned_data["due_at"], actor=request.user)
        except AcquisError as exc:
            form.add_error("due_at", str(exc))
        else:
            messages.success(
                request,
                "Date limite des livrables fixée au "
                f"{deliverables.when(session.deliverables_due_at)}.",
            )
            return redirect("staff:session_deliverables", pk=session.pk)
    rows = _rows(session)
    missing = sum(
        1
        for slot, items in rows
        if slot.status == SlotStatus.SCHEDULED
        for _d, submission in items
        if submission is None
    )
    return render(
        request,
        "www/staff/evaluations/deliverables.html",
        {
            "session": session,
            "form": form,
            "rows": rows,
            "missing": missing,
            "locked": deliverables.is_locked(session),
            "editable": session.status not in deliverables.LOCKED_SESSION_STATUSES,
        },
    )
