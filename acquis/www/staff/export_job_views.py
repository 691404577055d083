"""Staff pages of the candidacy exports written in the background: the offer to launch one,
its progress (htmx polling), its file; the rules live in acquis.candidates.export_jobs."""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from acquis.candidates import export_jobs
from acquis.candidates.exports import CONTENT_TYPES
from acquis.candidates.models import CandidacyExportJob
from acquis.errors import AcquisError
from acquis.security.exports import audit_export
from acquis.www.perms import staff_required
from acquis.www.staff import access

# htmx stops polling when the answer's status is 286 (htmx.org, "hx-trigger": polling).
STOP_POLLING = 286


def offer_or_request(request, *, cohort, rows: int):
    """GET: say the file will be written in the background; POST: ask for it."""
    if request.method != "POST":
        days = settings.ACQUIS_EXPORT_RETENTION_DAYS
        context = {"rows": rows, "cohort": cohort, "retention_days": days}
        return render(request, "www/staff/exports/offer.html", context)
    try:
        job = export_jobs.request_export(
            certifier=access.current_certifier(request.user),
            certifier_ids=list(access.certifier_ids(request.user)),
            promotion=cohort.pk if cohort else None,
            actor=request.user,
        )
    except AcquisError as error:
        messages.error(request, str(error))
        return redirect("staff:candidacies")
    return redirect("staff:export_job", pk=job.pk)


def _job(request, pk) -> CandidacyExportJob:
    """The job, if all its rows are of the user's certifiers (404 otherwise)."""
    job = CandidacyExportJob.objects.filter(pk=pk).first()
    mine = access.certifier_ids(request.user)
    if job is None or not export_jobs.readable_by(job, mine):
        raise Http404("Export introuvable.")
    return job


@require_http_methods(["GET", "POST"])
@staff_required
def export_job(request, pk):
    """The job's page (GET), its relaunch (POST); an htmx GET gets the progress fragment,
    with 286 (stop polling) once the job no longer runs."""
    job = _job(request, pk)
    if request.method == "POST":
        try:
            export_jobs.relaunch(job, actor=request.user)
        except AcquisError as error:
            messages.error(request, str(error))
        return redirect("staff:export_job", pk=job.pk)
    polled = request.headers.get("HX-Request") == "true"
    template = "_progress.html" if polled else "job.html"
    response = render(request, f"www/staff/exports/{template}", {"job": job})
    if polled and not job.is_pending:
        response.status_code = STOP_POLLING
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@staff_required
def export_job_file(request, pk):
    job = _job(request, pk)
    if not job.is_ready:
        raise Http404("Le fichier de cet export n'est pas (ou plus) disponible.")
    audit_export(request, "candidacies.xlsx", job=job.pk)
    response = FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.file.name.rsplit("/", 1)[-1],
        content_type=CONTENT_TYPES["xlsx"],
    )
    response["Cache-Control"] = "private, no-store"  # personal data: not kept in caches
    return response
