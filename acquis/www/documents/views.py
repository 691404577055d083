"""Downloads: every file goes through here, permission-checked; nothing is public."""

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404

from acquis.candidates.models import candidacy_for_document
from acquis.documents.models import Document
from acquis.organisations.enums import CERTIFIER_STAFF_ROLES, Role


def may_download(user, document) -> bool:
    if not user.is_authenticated:
        return False
    candidacy = candidacy_for_document(document)
    if candidacy is None:
        return user.is_superuser
    candidate = candidacy.candidate
    if user.is_superuser or candidate.user_id == user.pk:
        return True
    roles = user.memberships.values_list("organisation_id", "role")
    for organisation_id, role in roles:
        if role in CERTIFIER_STAFF_ROLES and organisation_id == candidate.certifier_id:
            return True
        if role == Role.PARTNER_STAFF and organisation_id == candidacy.partner_id:
            return True
    return False


def download(request, uuid):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    document = Document.objects.filter(uuid=uuid).first()
    # 404 for both "does not exist" and "not yours": a code reveals nothing.
    if document is None or not may_download(request.user, document):
        raise Http404("Document introuvable.")
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
