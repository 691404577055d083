"""The documents a signed decision issues: the certificate and the block attestation (here),
the PV and the decision letter (`minutes_pdf.py`, `letters.py`, issued through
`issue_minutes` and `issue_decision_documents` below); printable grids: `grids_pdf.py`.

- Rendering: Typst templates (`templates_typst/`), PDF/A-2a (embedded fonts, tagged for
  accessibility), in French; one `typst.Compiler` reused for every document (fonts load
  once). The data goes in as JSON (`sys.inputs`), the verification QR code as SVG (segno).
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
import io
import json
import secrets
import threading
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import segno
import typst
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from acquis.audit.services import record_event
from acquis.credentials import numbering, signing
from acquis.credentials.enums import DocumentKind
from acquis.credentials.models import CURRENT_WORDING, IssuedDocument
from acquis.juries.engine import add_years
from acquis.juries.enums import DecisionKind, DeliberationStatus
from acquis.juries.models import Decision, HeldBlock

TEMPLATES = Path(__file__).resolve().parent / "templates_typst"
FONTS = Path(__file__).resolve().parent / "fonts"
PDF_STANDARD = "a-2a"  # PDF/A-2 level A: archival, fonts embedded, tagged structure
TEMPLATE_FOR = {
    DocumentKind.CERTIFICATE: "certificate.typ",
    DocumentKind.BLOCK_ATTESTATION: "block_attestation.typ",
    # The PV and the decision letter (minutes_pdf.py, letters.py); the printable grids
    # (grids_pdf.py) are not issued and have no QR code.
    DocumentKind.MINUTES: "minutes.typ",
    DocumentKind.DECISION_LETTER: "decision_letter.typ",
}
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


MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
).split()


class DocumentError(Exception):
    """A document cannot be issued; the message is in French, for the user."""


# --- rendering -----------------------------------------------------------------------------

_compile_lock = threading.Lock()


@lru_cache(maxsize=1)
def _compiler() -> typst.Compiler:
    fonts = [str(FONTS)] if FONTS.is_dir() else []
    # System fonts ignored: the same bytes on every machine, only embedded free fonts.
    return typst.Compiler(root=str(TEMPLATES), font_paths=fonts, ignore_system_fonts=True)


def french_date(day: date) -> str:
    """ "1er juin 2026", "12 juin 2026"."""
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


def verify_url(code: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("verify_document", args=[code])


# Every mask pattern gives a valid QR code (ISO/IEC 18004 §7.8); choosing the best of the eight
# by their penalty scores is what costs most in segno (3/4 of the QR time, measured:
# bench/README.md). Mask 2 is the one segno picks most often for our verification addresses.
QR_MASK = 2


def qr_svg(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m", mask=QR_MASK).save(
        buffer, kind="svg", xmldecl=False, scale=4, border=2, dark="#1f2a44"
    )
    return buffer.getvalue().decode()


def _logo_inputs() -> dict:
    path = Path(settings.ACQUIS_CERTIFIER_LOGO) if settings.ACQUIS_CERTIFIER_LOGO else None
    if path is None or not path.is_file():
        return {}
    fmt = "svg" if path.suffix.lower() == ".svg" else "png"
    return {"logo": json.dumps(list(path.read_bytes())), "logo_format": fmt}


def render_inputs(data: dict) -> dict:
    """What Typst is given for one document: its data as JSON, the QR code, the logo."""
    return {
        "data": json.dumps(data, ensure_ascii=False),
        "qr": qr_svg(data["document"]["verify_url"]),
    } | _logo_inputs()


def compile_pdf(kind: str, inputs: dict) -> bytes:
    """Typst alone: the PDF/A of one document from its inputs (`render_inputs`)."""
    with _compile_lock:  # one compiler, reused: calls are serialised
        return _compiler().compile(
            input=str(TEMPLATES / TEMPLATE_FOR[kind]),
            sys_inputs=inputs,
            pdf_standards=[PDF_STANDARD],
            pdf_tags=True,
        )


def render(kind: str, data: dict) -> bytes:
    """The PDF/A of one document from its data (see `document_data`)."""
    return compile_pdf(kind, render_inputs(data))


# --- data of a decision ---------------------------------------------------------------------


def _certifier_data(certifier) -> dict:
    return {
        "name": settings.ACQUIS_CERTIFIER_DISPLAY_NAME or certifier.name,
        "address": certifier.address,
    }


def _holder_data(candidate) -> dict:
    first_names = " ".join(
        n for n in (candidate.first_name, candidate.first_name_2, candidate.first_name_3) if n
    )
    name = f"{first_names} {candidate.birth_name.upper()}"
    if candidate.usage_name and candidate.usage_name != candidate.birth_name:
        name += f" (nom d'usage : {candidate.usage_name.upper()})"
    born = "née" if candidate.sex == "F" else "né"
    place = candidate.birth_city or candidate.birth_country
    born = f"{born} le {french_date(candidate.birth_date)}" + (f" à {place}" if place else "")
    return {"name": name, "born": born}


def _certification_data(version) -> dict:
    registry = (
        f"{version.registry_kind}{version.registry_number}" if version.registry_number else ""
    )
    return {"title": version.title, "level": version.level_label, "registry": registry}


def _blocks_data(decision: Decision) -> list[dict]:
    """The blocks this decision grants: acquired for good, so no validity date."""
    rows = HeldBlock.objects.filter(decision=decision).select_related("block")
    return [
        {"code": row.block_code, "title": row.block.title}
        for row in rows.order_by("block__position", "pk")
    ]


def document_data(decision: Decision, kind: str, *, number: str, code: str, on: date) -> dict:
    deliberation = decision.deliberation
    return {
        "certifier": _certifier_data(deliberation.certifier),
        "document": {
            "kind": kind,
            "kind_label": DocumentKind(kind).label,
            "number": number,
            "verify_url": verify_url(code),
            "issued_on": french_date(on),
        },
        "certification": _certification_data(deliberation.version),
        "holder": _holder_data(decision.candidacy.candidate),
        "deliberation": {"date": french_date(deliberation.date), "place": deliberation.place},
        "blocks": _blocks_data(decision),
        # A partial validation: the last day a new validation may be requested.
        "new_validation_until": french_date(decision.deadline) if decision.deadline else "",
        "signatory": {
            "name": settings.ACQUIS_SIGNATORY_NAME,
            "title": settings.ACQUIS_SIGNATORY_TITLE,
        },
    }


def _decision(decision: Decision) -> Decision:
    return (
        Decision.objects.select_related(
            "deliberation__certifier", "deliberation__version", "candidacy__candidate"
        )
        .defer("deliberation__version__document")
        .get(pk=decision.pk)
    )


def render_certificate(decision: Decision, *, number="N° provisoire", code="apercu") -> bytes:
    """The (unsigned) certificate of a decision; number and code given when issuing."""
    data = document_data(
        _decision(decision),
        DocumentKind.CERTIFICATE,
        number=number,
        code=code,
        on=timezone.localdate(),
    )
    return render(DocumentKind.CERTIFICATE, data)


def render_block_attestation(decision: Decision, *, number="N° provisoire", code="apercu") -> bytes:
    """The (unsigned) attestation of the blocks this decision validated."""
    data = document_data(
        _decision(decision),
        DocumentKind.BLOCK_ATTESTATION,
        number=number,
        code=code,
        on=timezone.localdate(),
    )
    return render(DocumentKind.BLOCK_ATTESTATION, data)


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


@dataclass(frozen=True)
class IssueReport:
    issued: list[IssuedDocument]
    skipped: int  # decisions that issue nothing (refusal) or already issued


def issued_for(decision: Decision):
    return IssuedDocument.objects.filter(decision=decision)


@transaction.atomic
def issue_for_decision(decision: Decision, *, actor) -> IssuedDocument | None:
    """Issue the document of a signed decision; None when it issues nothing (refusal, or
    already issued: idempotent)."""
    # The row lock serialises two issuers of the same decision (the second sees the first).
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
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
    decision = _decision(locked)
    if (
        kind == DocumentKind.BLOCK_ATTESTATION
        and not HeldBlock.objects.filter(decision=decision).exists()
    ):
        return None  # blocks held before only: nothing newly validated to attest
    return _issue(decision, kind, actor=actor)


def _issue(decision: Decision, kind: str, *, actor) -> IssuedDocument:
    deliberation = decision.deliberation
    now = timezone.now()
    number = numbering.next_certificate_number(deliberation.certifier, now.year)
    code = secrets.token_urlsafe(24)
    data = document_data(decision, kind, number=number, code=code, on=timezone.localdate(now))
    pdf = signing.sign_pdf(
        render(kind, data),
        reason=f"{DocumentKind(kind).label} n° {number}",
        location=deliberation.place,
    )
    document = IssuedDocument(
        certifier=deliberation.certifier,
        kind=kind,
        number=number,
        decision=decision,
        candidate=decision.candidacy.candidate,
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


@transaction.atomic
def issue_decision_documents(decision: Decision, *, actor) -> list[IssuedDocument]:
    """Every document a signed decision issues, in one transaction: the certificate or the
    attestation (`issue_for_decision`; none for a refusal), then the decision letter
    (`letters.issue_letter`: every kind, naming what was issued with it). Idempotent: what
    was already issued is not issued again; the list holds what this call issued."""
    from acquis.credentials import letters

    issued = [
        issue_for_decision(decision, actor=actor),
        letters.issue_letter(decision, actor=actor),
    ]
    return [document for document in issued if document is not None]


def issue_minutes(deliberation, *, actor) -> IssuedDocument | None:
    """The signed PDF of a deliberation's PV, once it is signed by every member; None when
    already issued (`minutes_pdf.issue_minutes`)."""
    from acquis.credentials import minutes_pdf

    return minutes_pdf.issue_minutes(deliberation, actor=actor)


def issue_for_deliberation(deliberation, *, actor) -> IssueReport:
    """Issue the PV and the documents of every decision of a signed deliberation.

    The PV first (`issue_minutes`), then one transaction per decision
    (`issue_decision_documents`: certificate or attestation, and the letter): a run
    interrupted half-way keeps what it issued, and the next run skips it (idempotent), so
    nothing is issued twice. `skipped` counts the decisions that issued nothing new.
    """
    if deliberation.status != DeliberationStatus.SIGNED:
        raise DocumentError(
            "Documents : la délibération doit avoir son procès-verbal signé avant toute délivrance."
        )
    minutes = issue_minutes(deliberation, actor=actor)
    issued, skipped = ([minutes] if minutes is not None else []), 0
    for decision in deliberation.decisions.order_by("pk"):
        documents = issue_decision_documents(decision, actor=actor)
        if documents:
            issued.extend(documents)
        else:
            skipped += 1
    return IssueReport(issued=issued, skipped=skipped)


@transaction.atomic
def revoke_document(document: IssuedDocument, *, reason: str, actor) -> IssuedDocument:
    """Mark a document revoked (it stays stored; verification then says so)."""
    reason = (reason or "").strip()
    if not reason:
        raise DocumentError("Motif de la révocation : ce champ est obligatoire.")
    document = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if document.revoked_at is not None:
        raise DocumentError(f"Le document n° {document.number} est déjà révoqué.")
    document.revoked_at = timezone.now()
    document.revocation_reason = reason
    document.save(update_fields=["revoked_at", "revocation_reason"])
    record_event(
        "credentials.document_revoked",
        document,
        actor=actor,
        payload={"number": document.number, "reason": reason},
    )
    return document
