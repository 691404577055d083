"""One issued document or badge (staff record, revocation, reissue), the holder's badge
download and the public check of a badge file. The rows reuse the matrix document of
matrix_credentials_documents (the candidate persona's candidacy); a badge row is written
directly (issuing is tested in tests/credentials/). POST-only URLs answer 405 to a GET once
the staff check passed."""

from django.urls import reverse
from django.utils import timezone

from acquis.credentials.models import IssuedCredential, StatusList
from tests.www.permissions.matrix_credentials_documents import CANDIDATE, _document
from tests.www.permissions.roles import PUBLIC, STAFF, STAFF_OWN

POST_ONLY = {
    **STAFF,
    "administrateur": 405,
    "responsable_epreuves": 405,
    "admin_autre_certificateur": 405,
}


def _badge(ctx) -> IssuedCredential:
    if "issued_badge" not in ctx:
        document = _document(ctx)
        ctx["issued_badge"] = IssuedCredential.objects.create(
            certifier=document.certifier,
            decision=document.decision,
            block=None,
            credential_id="urn:uuid:00000000-0000-4000-8000-000000000001",
            status_list=StatusList.objects.get_or_create(
                certifier=document.certifier,
                issuer="did:key:z6MkMatrice",
                defaults={"key": f"{document.certifier.pk}-matrice"},
            )[0],
            status_index=0,
            document={"id": "urn:uuid:00000000-0000-4000-8000-000000000001", "name": "Titre"},
            issued_at=timezone.now(),
        )
    return ctx["issued_badge"]


def _url(name, obj):
    return lambda ctx: reverse(name, args=[obj(ctx).pk])


ENTRIES = {
    "staff:document_detail": (_url("staff:document_detail", _document), STAFF_OWN),
    "staff:document_revoke": (_url("staff:document_revoke", _document), POST_ONLY),
    "staff:document_reissue": (_url("staff:document_reissue", _document), POST_ONLY),
    "staff:document_duplicate": (_url("staff:document_duplicate", _document), POST_ONLY),
    "staff:badge_detail": (_url("staff:badge_detail", _badge), STAFF_OWN),
    "staff:badge_download": (_url("staff:badge_download", _badge), STAFF_OWN),
    "staff:badge_revoke": (_url("staff:badge_revoke", _badge), POST_ONLY),
    "candidate:badge": (_url("candidate:badge", _badge), CANDIDATE),
    # Showing a badge: the share page, the baked image, the Europass file of the document.
    "candidate:badge_share": (_url("candidate:badge_share", _badge), CANDIDATE),
    "candidate:badge_image": (
        lambda ctx: reverse("candidate:badge_image", args=[_badge(ctx).pk, "png"]),
        CANDIDATE,
    ),
    "candidate:document_europass": (_url("candidate:document_europass", _document), CANDIDATE),
    "staff:document_europass": (_url("staff:document_europass", _document), STAFF_OWN),
    # The public design of an achievement whose badges were issued (OB 3.0 Achievement.image).
    "public:badge_achievement_image": (
        lambda ctx: reverse(
            "public:badge_achievement_image",
            args=[_badge(ctx).decision.deliberation.version_id, "titre"],
        ),
        PUBLIC,
    ),
    # The public check of a badge file: anyone, signed in or not.
    "public:badge_check": (lambda ctx: reverse("public:badge_check"), PUBLIC),
}

# did:web DID document: 404 for everyone while the issuer is the did:key (the default);
# served in tests/credentials/test_did_web.py.
NOT_FOUND = dict.fromkeys(PUBLIC, 404)
ENTRIES["public:did_document"] = (lambda ctx: reverse("public:did_document"), NOT_FOUND)
ENTRIES["public:did_document_under_path"] = (
    lambda ctx: reverse("public:did_document_under_path"),
    NOT_FOUND,
)
