"""The documents a signed decision issues: the certificate and the block attestation (here),
the PV and the decision letter (`minutes_pdf.py`, `letters.py`; `issuing.py` issues them
all in order); printable grids: `grids_pdf.py`. Rendering: `typst_render.py`.

- Issuing (`issue_for_decision`): only a frozen decision (its PV signed by every member).
  A decision that awards the title issues the certificate (it covers every block); a total
  validation of some blocks (without the title) or a partial validation issues the
  attestation of the blocks validated by this decision, acquired for
  good ("blocs acquis définitivement"), with the deadline for a new validation request; a
  refusal issues nothing. Both numbered documents draw from
  the certifier's single sequence (`numbering`). The PDF is signed (PAdES, `signing`),
  stored in private media with its SHA-256 and an unguessable verification code, and an
  audit event is written in the same transaction. A second call issues nothing new.
"""

import hashlib
import secrets
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from acquis.audit.services import record_event
from acquis.candidates.names import DISPLAY_NAME_FIELDS
from acquis.credentials import numbering, signing, typst_render
from acquis.credentials.enums import DocumentKind, RevocationCategory
from acquis.credentials.models import CURRENT_WORDING, IssuedDocument
from acquis.credentials.verification import masked_name
from acquis.dates import french_date
from acquis.errors import AcquisError
from acquis.juries.engine import add_years
from acquis.juries.enums import DecisionKind
from acquis.juries.models import Decision, HeldBlock
from acquis.organisations import certifier_settings
from acquis.site import public_url

# The numbered documents a decision may issue (kind_for_decision).
NUMBERED_KINDS = (DocumentKind.CERTIFICATE, DocumentKind.BLOCK_ATTESTATION)


def kind_for_decision(decision) -> str | None:
    """What a decision issues: the certificate when it awards the title, the attestation of
    its blocks for any other validation (total of some blocks, or partial), nothing for a
    refusal."""
    if decision.title_awarded:
        return DocumentKind.CERTIFICATE
    if decision.kind in (DecisionKind.TOTAL, DecisionKind.PARTIAL):
        return DocumentKind.BLOCK_ATTESTATION
    return None


class DocumentError(AcquisError):
    """A document cannot be issued; the message is in French, for the user."""


def verify_url(code: str) -> str:
    return public_url(reverse("public:verify_document", args=[code]))


# --- data of a decision ---------------------------------------------------------------------


def _certifier_data(certifier, own: certifier_settings.CertifierSettings) -> dict:
    return {"name": own.display_name, "logo_file": own.logo_file, "address": certifier.address}


def _holder_data(candidate) -> dict:
    # The naming rule of every screen and document (acquis.candidates.names), with every
    # first name of the civil status.
    name = candidate.civil_name
    born = "née" if candidate.sex == "F" else "né"
    place = candidate.birth_city or candidate.birth_country
    born = f"{born} le {french_date(candidate.birth_date)}" + (f" à {place}" if place else "")
    return {"name": name, "born": born}


# The registration facts of the referential file, read by the decision's query from the
# stored document without loading the rest of it (the version's document is deferred).
REGISTRATION = "deliberation__version__document__certification__registration"


def _registration(decision):
    """The registration facts: an annotation of the decision's query (`_decision`), else read
    from the stored document (never printed without them)."""
    if hasattr(decision, "registration"):
        return decision.registration
    return Decision.objects.filter(pk=decision.pk).values_list(REGISTRATION, flat=True).first()


def _certification_data(version, registration) -> dict:
    """What the documents print of the certification; a fact the referential file does not
    give is "" (the templates then say nothing about it)."""
    registration = registration if isinstance(registration, dict) else {}
    decided = registration.get("decision_date")
    years = registration.get("duration_years")
    return {
        "title": version.title,
        "level": version.level_label,
        "registry": version.registry_code,
        "nsf": registration.get("nsf") or "",
        "decision_date": french_date(date.fromisoformat(decided)) if decided else "",
        "duration": (f"{years} an" + ("s" if years > 1 else "")) if years else "",
    }


def _blocks_data(decision: Decision) -> list[dict]:
    """The blocks this decision grants: acquired for good, so no validity date."""
    rows = HeldBlock.objects.filter(decision=decision).order_by("block__position", "pk")
    return [
        {"code": code, "title": title}
        for code, title in rows.values_list("block_code", "block__title")
    ]


def document_data(
    decision: Decision,
    kind: str,
    *,
    number: str,
    code: str,
    on: date,
    duplicate_on: date | None = None,
) -> dict:
    """`duplicate_on`: a duplicata, issued that day, of the document numbered `number` and
    issued `on` (both printed as on the original)."""
    deliberation = decision.deliberation
    # Read once: each reading costs a query (the certifier's profile), and a document prints
    # four of its fields.
    own = certifier_settings.settings_for(deliberation.certifier)
    return {
        "certifier": _certifier_data(deliberation.certifier, own),
        "document": {
            "kind": kind,
            "kind_label": DocumentKind(kind).label,
            "number": number,
            "verify_url": verify_url(code),
            "issued_on": french_date(on),
            "duplicate_on": french_date(duplicate_on) if duplicate_on else "",
        },
        "certification": _certification_data(deliberation.version, _registration(decision)),
        "holder": _holder_data(decision.candidacy.candidate),
        "deliberation": {"date": french_date(deliberation.date), "place": deliberation.place},
        "blocks": _blocks_data(decision),
        # A partial validation: the last day a new validation may be requested.
        "new_validation_until": french_date(decision.deadline) if decision.deadline else "",
        "signatory": {"name": own.signatory_name, "title": own.signatory_title},
    }


# What issuing reads of a decision (`_decision(lock=True)`): the fields its document prints
# and its checks use, nothing else. Compiling the SQL of every column of five models was the
# largest part of the query's cost; a field missing here costs a query (the tests count them).
ISSUING_FIELDS = (
    "kind",
    "title_awarded",
    "frozen",
    "deadline",
    "deliberation__date",
    "deliberation__place",
    "deliberation__certifier__name",
    "deliberation__certifier__address",
    *(f"deliberation__certifier__profile__{name}" for name in certifier_settings.PROFILE_FIELDS),
    "deliberation__version__title",
    "deliberation__version__level",
    "deliberation__version__registry_kind",
    "deliberation__version__registry_number",
    "candidacy__partner",
    *(f"candidacy__candidate__{name}" for name in DISPLAY_NAME_FIELDS),
    "candidacy__candidate__birth_date",
    "candidacy__candidate__birth_city",
    "candidacy__candidate__birth_country",
)


def _decision(decision: Decision, *, lock: bool = False) -> Decision:
    """The decision with what its documents print, the registration facts included (a
    decision read otherwise costs `document_data` one more query); `lock`: for issuing, only
    ISSUING_FIELDS, and its row locked until the end of the transaction (the decision's row
    only: the certifier, the version and the candidate are read, not locked)."""
    rows = Decision.objects.select_related(
        "deliberation__certifier", "deliberation__version", "candidacy__candidate"
    ).annotate(registration=F(REGISTRATION))
    if lock:
        rows = (
            rows.select_related("deliberation__certifier__profile")
            .only(*ISSUING_FIELDS)
            .select_for_update(of=("self",))
        )
    else:
        rows = rows.defer("deliberation__version__document")
    return rows.get(pk=decision.pk)


def render_certificate(decision: Decision, *, number="N° provisoire", code="apercu") -> bytes:
    """The (unsigned) certificate of a decision; number and code given when issuing."""
    data = document_data(
        _decision(decision),
        DocumentKind.CERTIFICATE,
        number=number,
        code=code,
        on=timezone.localdate(),
    )
    return typst_render.render(DocumentKind.CERTIFICATE, data)


def render_block_attestation(decision: Decision, *, number="N° provisoire", code="apercu") -> bytes:
    """The (unsigned) attestation of the blocks this decision validated."""
    data = document_data(
        _decision(decision),
        DocumentKind.BLOCK_ATTESTATION,
        number=number,
        code=code,
        on=timezone.localdate(),
    )
    return typst_render.render(DocumentKind.BLOCK_ATTESTATION, data)


# --- sample data (previews) ------------------------------------------------------------------


def sample_data(kind: str) -> dict:
    """Fictitious data to preview a template (staff page "Aperçus")."""
    today = timezone.localdate()
    return {
        "certifier": {
            "name": settings.ACQUIS_CERTIFIER_DISPLAY_NAME or "OPS Conseil",
            "address": "12 rue de l'Exemple, 69500 Bron",
        },
        "document": {
            "kind": kind,
            "kind_label": DocumentKind(kind).label,
            "number": "OPS-0000-000000",
            "verify_url": verify_url("exemple-de-code-de-verification"),
            "issued_on": french_date(today),
        },
        "certification": {
            "title": "Conseiller en insertion socioprofessionnelle (exemple)",
            "level": "Niveau 5",
            "registry": "RNCP00000",
            "nsf": "332t",
            "decision_date": french_date(today),
            "duration": "5 ans",
        },
        "holder": {"name": "Camille EXEMPLE", "born": "née le 1er janvier 1990 à Lyon"},
        "deliberation": {"date": french_date(today), "place": "Bron"},
        "blocks": [
            {"code": "B1", "title": "Accueillir et accompagner (exemple)"},
            {"code": "B2", "title": "Concevoir un parcours (exemple)"},
        ],
        "new_validation_until": french_date(add_years(today, 5)),
        "signatory": {
            "name": settings.ACQUIS_SIGNATORY_NAME or "Prénom Nom",
            "title": settings.ACQUIS_SIGNATORY_TITLE,
        },
    }


# --- issuing ---------------------------------------------------------------------------------


def issued_for(decision: Decision):
    return IssuedDocument.objects.filter(decision=decision)


@transaction.atomic
def issue_for_decision(decision: Decision, *, actor) -> IssuedDocument | None:
    """Issue the document of a signed decision; None when it issues nothing (refusal, or
    already issued: idempotent)."""
    # The row lock serialises two issuers of the same decision (the second sees the first).
    # The data the document prints is read by the same query.
    locked = _decision(decision, lock=True)
    if not locked.frozen:
        raise DocumentError(
            "Documents : une décision n'est délivrée qu'une fois son procès-verbal signé "
            "par tous les membres du jury."
        )
    kind = kind_for_decision(locked)
    if kind is None or issued_for(locked).filter(kind=kind).exists():
        return None
    if Decision.objects.filter(corrects=locked, frozen=True).exists():
        return None  # superseded by a signed correction: the correction issues its own
    if (
        kind == DocumentKind.BLOCK_ATTESTATION
        and not HeldBlock.objects.filter(decision=locked).exists()
    ):
        return None  # blocks held before only: nothing newly validated to attest
    return _issue(locked, kind, actor=actor)


def _issue(decision: Decision, kind: str, *, actor) -> IssuedDocument:
    deliberation = decision.deliberation
    now = timezone.now()
    number = numbering.next_certificate_number(deliberation.certifier, now.year)
    code = secrets.token_urlsafe(24)
    data = document_data(decision, kind, number=number, code=code, on=timezone.localdate(now))
    pdf = signing.sign_pdf(
        typst_render.render(kind, data),
        reason=f"{DocumentKind(kind).label} n° {number}",
        location=deliberation.place,
        certifier=deliberation.certifier,
    )
    document = IssuedDocument(
        certifier=deliberation.certifier,
        kind=kind,
        number=number,
        decision=decision,
        candidate=decision.candidacy.candidate,
        holder_masked=masked_name(decision.candidacy.candidate),
        verification_code=code,
        sha256=hashlib.sha256(pdf).hexdigest(),
        signed=True,
        wording=CURRENT_WORDING,
        issued_at=now,
        issued_by=actor,
    )
    document.file.save(f"{kind}-{number}.pdf", ContentFile(pdf), save=False)
    document.save()
    record_event(
        "credentials.document_issued",
        document,
        actor=actor,
        payload={
            "kind": kind,
            "number": number,
            "decision": decision.pk,
            "candidate": decision.candidacy.candidate_id,
            "sha256": document.sha256,
        },
    )
    return document


def _duplicate(original: IssuedDocument, *, actor) -> IssuedDocument:
    """A duplicata of `original` (see revocation.issue_duplicate, which checks the rules):
    the same number and issue date printed, marked "DUPLICATA", its own verification code."""
    decision = _decision(original.decision)
    now = timezone.now()
    code = secrets.token_urlsafe(24)
    data = document_data(
        decision,
        original.kind,
        number=original.number,
        code=code,
        on=timezone.localdate(original.issued_at),
        duplicate_on=timezone.localdate(now),
    )
    label = DocumentKind(original.kind).label
    pdf = signing.sign_pdf(
        typst_render.render(original.kind, data),
        reason=f"Duplicata — {label} n° {original.number}",
        location=decision.deliberation.place,
    )
    rank = original.duplicates.count() + 1
    document = IssuedDocument(
        certifier=original.certifier,
        kind=original.kind,
        number=original.number,
        decision=original.decision,
        candidate=original.candidate,
        duplicate_of=original,
        holder_masked=original.holder_masked,
        verification_code=code,
        sha256=hashlib.sha256(pdf).hexdigest(),
        signed=True,
        wording=CURRENT_WORDING,
        issued_at=now,
        issued_by=actor,
    )
    name = f"{original.kind}-{original.number}-duplicata-{rank}.pdf"
    document.file.save(name, ContentFile(pdf), save=False)
    document.save()
    return document


@transaction.atomic
def revoke_document(
    document: IssuedDocument, *, reason: str, actor, category: str = RevocationCategory.OTHER
) -> IssuedDocument:
    """Mark a document revoked (it stays stored; verification then says so, with the
    category of the reason)."""
    reason = (reason or "").strip()
    if not reason:
        raise DocumentError("Motif de la révocation : ce champ est obligatoire.")
    document = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if document.revoked_at is not None:
        raise DocumentError(f"Le document n° {document.number} est déjà révoqué.")
    document.revoked_at = timezone.now()
    document.revocation_reason = reason
    document.revocation_category = RevocationCategory(category)
    document.save(update_fields=["revoked_at", "revocation_reason", "revocation_category"])
    record_event(
        "credentials.document_revoked",
        document,
        actor=actor,
        payload={"number": document.number, "reason": reason, "category": category},
    )
    # Its duplicata are copies of it: they fall with it.
    for duplicate in document.duplicates.filter(revoked_at__isnull=True).order_by("pk"):
        revoke_document(duplicate, reason=reason, actor=actor, category=category)
    return document
