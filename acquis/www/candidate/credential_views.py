"""The holder's documents (/mon-dossier/documents-delivres/): their certificates,
attestations and letters (signed PDFs) and their Open Badges (signed JSON, to put in a
wallet or send to an employer); another candidate's document or badge is 404."""

from datetime import date, datetime

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from acquis.credentials import badge_images, badges, sharing
from acquis.credentials.enums import DocumentKind
from acquis.credentials.models import IssuedDocument
from acquis.www.candidate.perms import candidate_required, candidate_role_organisations
from acquis.www.shared.downloads import badge_download, badge_label, download, europass_download


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
        "europass_kinds": [DocumentKind.CERTIFICATE, DocumentKind.BLOCK_ATTESTATION],
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
def candidate_document_europass(request, pk):
    document = None
    if request.candidate is not None:
        document = own_documents(request.candidate).filter(pk=pk).first()
    if document is None:
        raise Http404("Document introuvable.")
    return europass_download(document)


@require_GET
@candidate_required
def candidate_badge(request, pk):
    credential = None
    if request.candidate is not None:
        credential = badges.for_candidate(request.candidate).filter(pk=pk).first()
    if credential is None:
        raise Http404("Badge introuvable.")
    return badge_download(credential)


def _own_badge(request, pk):
    credential = None
    if request.candidate is not None:
        credential = badges.for_candidate(request.candidate).filter(pk=pk).first()
    if credential is None:
        raise Http404("Badge introuvable.")
    return credential


IMAGE_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


@require_GET
@candidate_required
def candidate_badge_image(request, pk, fmt):
    """The badge image (PNG or SVG) with the holder's signed credential baked in."""
    if fmt not in IMAGE_TYPES:
        raise Http404("Format d'image inconnu.")
    credential = _own_badge(request, pk)
    response = HttpResponse(badge_images.baked(credential, fmt), content_type=IMAGE_TYPES[fmt])
    if request.GET.get("afficher") != "1":
        name = f"badge-{credential.block.code if credential.block_id else 'titre'}-{credential.pk}"
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@candidate_required
def candidate_badge_share(request, pk):
    """Show a badge: its image, the LinkedIn "add to profile" link, the files to download and
    the address where anyone can check the document it comes from."""
    credential = _own_badge(request, pk)
    design = badge_images.credential_design(credential)
    context = {
        "credential": credential,
        "label": badge_label(credential),
        "alt": badge_images.alt_text(design),
    } | sharing.share(credential)
    return render(request, "www/candidate/badge_share.html", context)
