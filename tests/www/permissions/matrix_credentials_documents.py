"""Issued documents: staff pages, the holder's downloads, the public verification page.

The issued document is written directly (a row and a small stored file) for the candidate
persona's candidacy (`ctx["portal_candidacy"]`, built by matrix_portals, whose context comes
after this module's: the row is made on first use). Issuing through the verbs is tested in
tests/credentials/, the 404 for another holder in tests/www/test_credential_pages.py.
"""

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from acquis.credentials.enums import DocumentKind
from acquis.credentials.models import IssuedDocument
from acquis.juries.enums import DecisionKind, DeliberationStatus, JuryKind
from acquis.juries.models import Decision, Deliberation
from tests.www.permissions.roles import PUBLIC, ROLES, STAFF, STAFF_OWN

CANDIDATE = {**dict.fromkeys(ROLES, 403), "anonyme": 302, "candidat": 200}


def _document(ctx) -> IssuedDocument:
    if "issued_document" not in ctx:
        candidacy = ctx["portal_candidacy"]
        version = ctx["version"]
        deliberation = Deliberation.objects.create(
            certifier=version.certification.owner,
            version=version,
            kind=JuryKind.CERTIFICATION,
            title="Jury des documents (matrice)",
            date=timezone.localdate(),
            place="Bron",
            status=DeliberationStatus.SIGNED,
        )
        decision = Decision.objects.create(
            deliberation=deliberation,
            candidacy=candidacy,
            kind=DecisionKind.TOTAL,
            proposed_kind=DecisionKind.TOTAL,
            decided_at=timezone.now(),
            frozen=True,
        )
        document = IssuedDocument(
            certifier=deliberation.certifier,
            kind=DocumentKind.CERTIFICATE,
            number="OPS-2026-999999",
            decision=decision,
            candidate=candidacy.candidate,
            verification_code="code-de-la-matrice-des-permissions",
            sha256="0" * 64,
            signed=True,
            issued_at=timezone.now(),
        )
        document.file.save("matrice.pdf", ContentFile(b"%PDF-1.7 matrice"), save=False)
        document.save()
        ctx["issued_document"] = document
    return ctx["issued_document"]


ENTRIES = {
    "staff:credentials": (lambda ctx: reverse("staff:credentials"), STAFF),
    "staff:issued_document": (
        lambda ctx: reverse("staff:issued_document", args=[_document(ctx).pk]),
        STAFF_OWN,
    ),
    "staff:document_preview": (
        lambda ctx: reverse("staff:document_preview", args=["certificat"]),
        STAFF,
    ),
    "staff:deliberation_documents": (
        lambda ctx: reverse(
            "staff:deliberation_documents", args=[_document(ctx).decision.deliberation_id]
        ),
        STAFF_OWN,
    ),
    "candidate:credentials": (lambda ctx: reverse("candidate:credentials"), CANDIDATE),
    "candidate:issued_document": (
        lambda ctx: reverse("candidate:issued_document", args=[_document(ctx).pk]),
        CANDIDATE,
    ),
    "public:verify_lookup": (lambda ctx: reverse("public:verify_lookup"), PUBLIC),
    "public:verify_document": (
        lambda ctx: reverse("public:verify_document", args=[_document(ctx).verification_code]),
        PUBLIC,
    ),
}
