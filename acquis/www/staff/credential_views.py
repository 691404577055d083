"""Staff screens of issued documents (/gestion/documents/...).

- the list of documents issued by the staff's certifiers, and the signed deliberations
  whose documents can be issued;
- a deliberation's documents, with the action "issue the documents of this deliberation"
  (`documents.issue_for_deliberation`: idempotent, a second run issues nothing new);
- the download of a stored, signed PDF; previews of each template with sample data.
"""

from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from acquis.credentials import documents
from acquis.credentials.enums import DocumentKind
from acquis.credentials.models import IssuedDocument
from acquis.credentials.signing import SigningError
from acquis.juries.enums import DeliberationStatus
from acquis.juries.models import Deliberation
from acquis.www.perms import staff_required
from acquis.www.staff import access

LIST_LIMIT = 200
PREVIEWS = {
    "certificat": DocumentKind.CERTIFICATE,
    "attestation-de-blocs": DocumentKind.BLOCK_ATTESTATION,
}


def _documents(user):
    return IssuedDocument.objects.filter(certifier__in=access.certifiers(user)).select_related(
        "candidate", "decision__deliberation"
    )


def _signed_deliberations(user):
    return (
        Deliberation.objects.filter(
            certifier__in=access.certifiers(user), status=DeliberationStatus.SIGNED
        )
        .select_related("version")
        .defer("version__document")
        .annotate(issued=Count("decisions__issued_documents"))
    )


@require_GET
@staff_required
def staff_credentials(request):
    context = {
        "issued": list(_documents(request.user)[:LIST_LIMIT]),
        "limit": LIST_LIMIT,
        "deliberations": list(_signed_deliberations(request.user).order_by("-date", "-pk")),
        "previews": PREVIEWS,
    }
    return render(request, "www/staff/credentials/list.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def staff_deliberation_documents(request, pk):
    deliberation = access.get_or_404(
        Deliberation.objects.filter(certifier__in=access.certifiers(request.user))
        .select_related("version")
        .defer("version__document"),
        pk=pk,
    )
    if request.method == "POST":
        try:
            report = documents.issue_for_deliberation(deliberation, actor=request.user)
        except (documents.DocumentError, SigningError) as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"{len(report.issued)} document(s) délivré(s) ; {report.skipped} décision(s) "
                "sans nouveau document (refus ou déjà délivré).",
            )
        return redirect("staff_deliberation_documents", pk=deliberation.pk)
    decisions = (
        deliberation.decisions.select_related("candidacy__candidate")
        .prefetch_related("issued_documents")
        .order_by("pk")
    )
    context = {
        "deliberation": deliberation,
        "decisions": decisions,
        "signed": deliberation.status == DeliberationStatus.SIGNED,
    }
    return render(request, "www/staff/credentials/deliberation.html", context)


def _private(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def download(document: IssuedDocument) -> FileResponse:
    """The stored, signed PDF as an attachment (shared with the candidate portal)."""
    return _private(
        FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=f"{document.number}.pdf",
            content_type="application/pdf",
        )
    )


@require_GET
@staff_required
def staff_issued_document(request, pk):
    return download(access.get_or_404(_documents(request.user), pk=pk))


@require_GET
@staff_required
def staff_document_preview(request, kind):
    if kind not in PREVIEWS:
        raise Http404("Aperçu inconnu.")
    kind = PREVIEWS[kind]
    response = HttpResponse(
        documents.render(kind, documents.sample_data(kind)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="apercu-{kind}.pdf"'
    return _private(response)
