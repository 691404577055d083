"""A slot's preparatory deliverables for its assessors: links from the session's opening.

Only an assessor of the slot reaches the page (jury.perms.assessed_slot, 404 otherwise);
the files themselves are checked again by the download view (documents.views.may_download).
"""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from acquis.evaluations import deliverables
from acquis.www.jury.perms import assessed_slot, juror_required


@require_GET
@juror_required
def slot_deliverables(request, pk):
    slot = assessed_slot(request.juror, pk)
    visible = deliverables.panel_may_see(slot)
    counting = deliverables.current(slot) if visible else {}
    rows = [(d, counting.get(d.pk)) for d in deliverables.required(slot)]
    return render(
        request,
        "www/jury/deliverables.html",
        {"slot": slot, "visible": visible, "rows": rows},
    )
