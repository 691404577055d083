"""Downloads: every file goes through here, permission-checked; nothing is public."""

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404

from acquis.candidates.models import candidacy_for_document
from acquis.documents.models import Document
from acquis.evaluations import deliverables
from acquis.evaluations.deliverables import PANEL_VISIBLE_STATUSES
from acquis.evaluations.models import DeliverableSubmission
from acquis.organisations.enums import CERTIFIER_STAFF_ROLES, Role
from acquis.www.jury.perms import juror_profile


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
    return _assessor_may_download(user, document)


def _assessor_may_download(user, document) -> bool:
    """A juror assessing the slot sees its deliverables (the ones that count) once the
    session is opened; before, and for any other juror, the file does not exist (404)."""
    juror = juror_profile(user)
    if juror is None:
        return False
    submission = (
        DeliverableSubmission.objects.filter(
            document=document,
            slot__assessor_links__juror=juror,
            slot__session__status__in=PANEL_VISIBLE_STATUSES,
        )
        .select_related("slot__session")
        .first()
    )
    if submission is None:
        return False
    counting = deliverables.current(submission.slot).get(submission.deliverable_id)
    return counting is not None and counting.document_id == document.pk


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
