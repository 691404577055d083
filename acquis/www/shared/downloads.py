"""Downloads of issued documents and badges, shared by the staff screens, the candidate
portal and the jury portal (the signed PV): each audience's view decides which object the
user may fetch (404 otherwise), these functions only answer with the file.
"""

import json

from django.http import FileResponse, Http404, HttpResponse
from django.utils.text import slugify

from acquis.credentials import europass
from acquis.credentials.models import IssuedCredential, IssuedDocument
from acquis.errors import AcquisError


def private(response):
    """Never cached, never sniffed: a download of a personal document."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def download_name(document: IssuedDocument) -> str:
    """ "OPS-2026-000001.pdf"; a letter has no number: "lettre-de-decision-<id>.pdf"."""
    if document.number:
        return f"{document.number}.pdf"
    return f"{slugify(document.get_kind_display())}-{document.pk}.pdf"


def download(document: IssuedDocument) -> FileResponse:
    """The stored, signed PDF as an attachment."""
    return private(
        FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=download_name(document),
            content_type="application/pdf",
        )
    )


def badge_label(credential: IssuedCredential) -> str:
    if credential.block_id is None:
        return f"Titre — {credential.document.get('name', '')}"
    return f"Bloc {credential.block.code} — {credential.block.title}"


def badge_download(credential: IssuedCredential) -> HttpResponse:
    """The signed credential as a JSON file."""
    body = json.dumps(credential.document, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/ld+json; charset=utf-8")
    name = f"badge-{credential.block.code if credential.block_id else 'titre'}-{credential.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def europass_download(document) -> HttpResponse:
    """The document as a Europass credential (ELM 3.2, JSON-LD);
    a document that cannot be exported (a PV, a letter, a revoked one) is 404."""
    try:
        body = europass.credential(document)
    except AcquisError as error:
        raise Http404(str(error)) from error
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=2),
        content_type="application/ld+json; charset=utf-8",
    )
    name = f"europass-{document.number or document.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.jsonld"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
