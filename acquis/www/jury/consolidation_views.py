"""The panel's consolidation of a slot, for the jurors who assess it."""

from django.urls import reverse

from acquis.www.jury.perms import assessed_slot, juror_required
from acquis.www.shared.consolidation import consolidation_page


@juror_required
def slot_consolidation(request, pk):
    slot = assessed_slot(request.juror, pk)  # 404 unless this juror assesses it
    return consolidation_page(
        request,
        slot,
        audience="jury",
        back_url=reverse("jury:home"),
        back_label="Mes évaluations",
    )
