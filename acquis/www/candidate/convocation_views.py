"""The candidate's convocations (/mon-dossier/convocations/): list, printable page, ICS.

A candidate sees a slot of their own candidacies only once it is convoked (the email was
sent), never a cancelled slot or a slot of a cancelled session; anything else is 404. On the
convocation page she confirms her presence (POST, convocations.confirm_presence).
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from acquis.errors import AcquisError
from acquis.evaluations import convocations
from acquis.evaluations.enums import SessionStatus, SlotStatus
from acquis.evaluations.models import Slot
from acquis.www.candidate.perms import candidate_required, own_candidacies


def own_convoked_slots(user):
    return (
        Slot.objects.filter(candidacy__in=own_candidacies(user), convoked_at__isnull=False)
        .exclude(status=SlotStatus.CANCELLED)
        .exclude(session__status=SessionStatus.CANCELLED)
        .select_related(*convocations.SLOT_RELATED)
        .order_by("starts_at", "pk")
    )


def _own_slot(user, pk) -> Slot:
    slot = own_convoked_slots(user).filter(pk=pk).first()
    if slot is None:
        raise Http404("Convocation introuvable.")
    return slot


@require_GET
@candidate_required
def convocation_list(request):
    slots = list(own_convoked_slots(request.user))
    return render(
        request,
        "www/candidate/convocations.html",
        {"candidate": request.candidate, "slots": slots},
    )


@require_GET
@candidate_required
def convocation(request, pk):
    slot = _own_slot(request.user, pk)
    return render(
        request,
        "www/candidate/convocation.html",
        {"convocation": convocations.slot_convocation(slot), "now": timezone.now()},
    )


@candidate_required
@require_POST
def confirm_presence(request, pk):
    slot = _own_slot(request.user, pk)
    try:
        recorded = convocations.confirm_presence(slot, actor=request.user)
    except AcquisError as exc:
        messages.error(request, str(exc))
    else:
        if recorded:
            messages.success(request, "Votre présence est confirmée. Merci.")
        else:
            messages.info(request, "Votre présence était déjà confirmée.")
    return redirect("candidate:convocation", slot.pk)


@require_GET
@candidate_required
def convocation_ics(request, pk):
    slot = _own_slot(request.user, pk)
    response = HttpResponse(convocations.slot_calendar(slot), content_type="text/calendar")
    filename = f"convocation-{slot.assessment.code}-{slot.pk}.ics"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
