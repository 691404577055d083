"""Open Badges public endpoints: a certifier's issuer Profile, its status list, and the DID
document of the installation's did:web.

Both are public JSON (any wallet or verifier fetches them without an account): the Profile
(OB 3.0 §B.2.6) identified by the installation's did:key, and the signed
BitstringStatusListCredential (Bitstring Status List v1.0 §2.2) of a certifier's badges of one
issuer identity, signed by that issuer.
"""

import json

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from acquis.credentials import badge_images, badges, status_list
from acquis.credentials.models import IssuedCredential, StatusList
from acquis.errors import AcquisError
from acquis.organisations.enums import OrganisationKind
from acquis.organisations.models import Organisation
from acquis.referential.models import CertificationVersion


def _unavailable(error: badges.BadgeError) -> HttpResponse:
    """No signing key on this installation: say so (503), never a server error page."""
    return HttpResponse(
        f"Service des badges indisponible : {error}",
        status=503,
        content_type="text/plain; charset=utf-8",
    )


def _json(document: dict, content_type: str) -> HttpResponse:
    body = json.dumps(document, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"  # read by wallets from other origins
    return response


@require_GET
def issuer_profile(request, certifier_id: int):
    certifier = get_object_or_404(Organisation, pk=certifier_id, kind=OrganisationKind.CERTIFIER)
    try:
        profile = {"@context": list(badges.CONTEXT), **badges.issuer_profile(certifier)}
    except AcquisError as error:
        return _unavailable(error)
    return _json(profile, "application/ld+json")


@require_GET
def status_list_credential(request, key: str):
    listed = StatusList.objects.select_related("certifier").filter(key=key).first()
    if listed is None:
        raise Http404("Aucune liste de statuts à cette adresse.")
    try:
        document = status_list.status_list_credential(listed)
    except AcquisError as error:
        return _unavailable(error)
    response = _json(document, "application/vc+ld+json")
    response["Cache-Control"] = "public, max-age=300"  # a revocation shows within 5 minutes
    return response


@require_GET
def did_document(request):
    """The DID document of the installation's did:web (did:web §3.2: GET
    https://<host>/.well-known/did.json, or <host>/<path>/did.json under a path); 404 while
    the badges' issuer is the did:key."""
    if not badges.uses_did_web():
        raise Http404("Cette installation émet ses badges sous un did:key : pas de document DID.")
    if request.path != badges.did_web_document_path(badges.did_web()):
        raise Http404("Document DID introuvable à cette adresse.")
    try:
        document = badges.did_document()
    except AcquisError as error:
        return _unavailable(error)
    response = _json(document, "application/did+ld+json")
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def achievement_image(request, version_id: int, part: str):
    """The design of an achievement (OB 3.0 Achievement.image), SVG, for the versions whose
    badges were issued: "titre" for the title, or a block code."""
    version = get_object_or_404(CertificationVersion, pk=version_id)
    issued = IssuedCredential.objects.filter(decision__deliberation__version=version)
    if part == "titre":
        if not issued.filter(block__isnull=True).exists():
            raise Http404("Aucun badge de ce titre.")
        data = badge_images.design_data(
            kind="title", code="", title=version.title, certifier=version.certifier_name
        )
    else:
        block = version.blocks.filter(code=part).first()
        if block is None or not issued.filter(block=block).exists():
            raise Http404("Aucun badge de ce bloc.")
        data = badge_images.design_data(
            kind="block", code=block.code, title=block.title, certifier=version.certifier_name
        )
    svg = badge_images.render(data, "svg")
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    return response
