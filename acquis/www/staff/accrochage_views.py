"""Staff screens of the CDC accrochage: holders not yet declared (3-month deadline), batches,
building a file (validated against the XSD before it is offered), importing the CDC report.

Thin views: the rules live in `acquis.exports.accrochage` and `acquis.exports.reports`.
"""

from datetime import date

from django.contrib import messages
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from acquis.errors import AcquisError
from acquis.exports import accrochage
from acquis.exports.enums import LineStatus
from acquis.exports.models import AccrochageBatch
from acquis.exports.reports import import_report
from acquis.security.exports import audit_export
from acquis.www.perms import staff_required
from acquis.www.staff import access

REPORT_MAX_BYTES = 50 * 1024 * 1024
PAGE_ROWS = 500  # holders listed per certifier (earliest deadlines); counts cover them all


def _batches(user):
    return AccrochageBatch.objects.filter(certifier__in=access.certifier_ids(user)).annotate(
        accepted=Count("lines", filter=Q(lines__status=LineStatus.ACCEPTED)),
        rejected=Count("lines", filter=Q(lines__status=LineStatus.REJECTED)),
        waiting=Count("lines", filter=Q(lines__status=LineStatus.EXPORTED)),
    )


@staff_required
def overview(request):
    today = timezone.localdate()
    certifiers = list(access.certifiers(request.user).order_by("pk"))
    pending = []
    for certifier in certifiers:
        pending.extend(accrochage.pending_holders(certifier, today=today, limit=PAGE_ROWS))
    counts = accrochage.summary(certifiers, today=today)
    pending.sort(key=lambda row: (row.deadline, row.decision.pk))
    return render(
        request,
        "www/staff/accrochage/overview.html",
        {
            "pending": pending,
            "counts": counts,
            "ever_awarded": any(accrochage.ever_awarded(c) for c in certifiers),
            "batches": _batches(request.user).select_related("created_by")[:50],
            "today": today,
        },
    )


@staff_required
@require_POST
@access.certifier_chosen
def export(request):
    since = None
    if request.POST.get("since"):
        try:
            since = date.fromisoformat(request.POST["since"])
        except ValueError:
            messages.error(request, "Date « depuis le » : format AAAA-MM-JJ attendu.")
            return redirect("staff:accrochage")
    try:
        result = accrochage.export_accrochage(
            access.current_certifier(request), actor=request.user, since=since
        )
    except AcquisError as error:
        messages.error(request, str(error))
        return redirect("staff:accrochage")
    messages.success(
        request,
        f"Lot créé : {result.batch.line_count} passage(s), fichier valide selon le schéma XSD "
        "de la CDC. Téléchargez-le ci-dessous et déposez-le sur le portail de la CDC.",
    )
    return redirect("staff:accrochage_batch", pk=result.batch.pk)


@staff_required
@require_POST
def report(request):
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Compte rendu : choisissez un fichier XML ou CSV.")
        return redirect("staff:accrochage")
    if upload.size > REPORT_MAX_BYTES:
        messages.error(request, "Compte rendu : fichier trop volumineux (50 Mo au plus).")
        return redirect("staff:accrochage")
    try:
        result = import_report(upload.read(), actor=request.user, filename=upload.name)
    except AcquisError as error:
        messages.error(request, str(error))
        return redirect("staff:accrochage")
    messages.success(request, result.summary())
    return redirect("staff:accrochage")


@staff_required
def batch(request, pk):
    found = access.get_or_404(_batches(request.user), pk=pk)
    lines = found.lines.select_related(
        "decision__candidacy__candidate", "decision__deliberation"
    ).order_by("status", "pk")
    return render(request, "www/staff/accrochage/batch.html", {"batch": found, "lines": lines})


@staff_required
def download(request, pk):
    found = access.get_or_404(_batches(request.user), pk=pk)
    audit_export(request, "accrochage.xml", batch=found.pk)
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.file.name.rsplit("/", 1)[-1],
        content_type="application/xml",
    )
