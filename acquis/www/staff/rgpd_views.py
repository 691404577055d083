"""The staff's RGPD export of a candidate (right of access): a ZIP of JSON and files."""

from django.http import HttpResponse
from django.views.decorators.http import require_POST

from acquis.rgpd.export import export_candidate
from acquis.www.perms import staff_required
from acquis.www.staff import access


@staff_required
@require_POST
def candidate_export(request, pk):
    candidate = access.get_or_404(access.candidates(request.user), pk=pk)
    data = export_candidate(candidate, actor=request.user)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="rgpd-candidat-{candidate.pk}.zip"'
    response["Cache-Control"] = "no-store"
    return response
