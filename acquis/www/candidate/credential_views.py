"""The holder's documents (/mon-dossier/documents-delivres/): their certificates,
attestations and letters (signed PDFs) and their Open Badges (signed JSON, to put in a
wallet or send to an employer); another candidate's document or badge is 404."""

from datetime import date, datetime

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from acquis.credentials import badges
from acquis.credentials.models import IssuedDocument
from acquis.www.candidate.perms import candidate_required, candidate_role_organisations
from acquis.www.staff.credential_views import download
from acquis.www.staff.revocation_views import badge_download, badge_label


def own_documents(candidate):
    return IssuedDocument.objects.filter(candidate=candidate).select_related(
        "decision__deliberation__version"
    )


def _valid_until(credential) -> date | None:
    until = credential.document.get("validUntil")
    return datetime.fromisoformat(until).date() if until else None


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
        "badges": [
            (credential, badge_label(credential), _valid_until(credential))
            for credential in badges.for_candidate(request.candidate).defer(
                "decision__deliberation__version__document"
            )
        ],
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


@require_GET
@candidate_required
def candidate_badge(request, pk):
    credential = None
    if request.candidate is not None:
        credential = badges.for_candidate(request.candidate).filter(pk=pk).first()
    if credential is None:
        raise Http404("Badge introuvable.")
    return badge_download(credential)
