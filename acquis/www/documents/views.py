"""Downloads: every file goes through here, permission-checked; nothing is public."""

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404

from acquis.audit.models import AuditEvent
from acquis.audit.services import record_event
from acquis.candidates.models import Candidacy, candidacy_for_document
from acquis.documents.models import Document
from acquis.evaluations import deliverables
from acquis.evaluations.deliverables import PANEL_VISIBLE_STATUSES
from acquis.evaluations.models import DeliverableSubmission
from acquis.organisations.enums import CERTIFIER_STAFF_ROLES, Role
from acquis.www.perms import juror_profile


def may_download(user, document) -> bool:
    if not user.is_authenticated:
        return False
    candidacy = candidacy_for_document(document)
    if candidacy is None:
        # A replaced upload stays in the dossier's history, for the certifier's staff only.
        candidacy = _replaced_in(document)
        return candidacy is not None and _is_staff_of(user, candidacy.candidate.certifier_id)
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


def _replaced_in(document):
    """The candidacy whose history names this document as replaced (memoir, attestation)."""
    # The verbs record the replaced document by id (memoir, attestation).
    replaced = AuditEvent.objects.filter(payload__replaces=document.pk)
    for object_type, object_id in replaced.values_list("object_type", "object_id")[:5]:
        lookup = {
            "candidates.Memoir": "memoir__pk",
            "candidates.WorkPlacement": "placements__pk",
            "candidates.Candidacy": "pk",
        }.get(object_type)
        if lookup:
            found = Candidacy.objects.filter(**{lookup: object_id}).select_related("candidate")
            if found.exists():
                return found.first()
    return None


def _is_staff_of(user, certifier_id) -> bool:
    return (
        user.is_superuser
        or user.memberships.filter(
            role__in=CERTIFIER_STAFF_ROLES, organisation_id=certifier_id
        ).exists()
    )


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
    if document.purged_at is not None:
        raise Http404("Cette pièce a été effacée (durée de conservation échue ou demande RGPD).")
    # Personal documents: every download is in the audit trail.
    record_event("document.downloaded", document, actor=request.user)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
