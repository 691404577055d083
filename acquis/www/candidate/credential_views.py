"""The holder's documents (/mon-dossier/documents-delivres/): their certificates and
attestations, signed PDFs to download; another candidate's document is 404."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from acquis.credentials.models import IssuedDocument
from acquis.www.candidate.perms import candidate_required, candidate_role_organisations
from acquis.www.staff.credential_views import download


def own_documents(candidate):
    return IssuedDocument.objects.filter(candidate=candidate).select_related(
        "decision__deliberation__version"
    )


@require_GET
@candidate_required
def candidate_credentials(request):
    if request.candidate is None:
        organisations = candidate_role_organisations(request.user)
        return render(request, "www/candidate/not_opened.html", {"organisations": organisations})
    context = {
        "candidate": request.candidate,
        "issued": own_documents(request.candidate).defer(
            "decision__deliberation__version__document"
        ),
    }
    return render(request, "www/candidate/credentials.html", context)


@require_GET
@candidate_required
def candidate_issued_document(request, pk):
    document = None
    if request.candidate is not None:
        document = own_documents(request.candidate).filter(pk=pk).first()
    if document is None:
        raise Http404("Document introuvable.")
    return download(document)
