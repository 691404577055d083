"""Public verification of an issued document (`/verifier/<code>/`, the QR code's target).

The code is 24 random bytes (`secrets.token_urlsafe`, 192 bits): unguessable, and failed
look-ups are limited per IP address (`ACQUIS_VERIFY_MAX_FAILURES` per
`ACQUIS_VERIFY_WINDOW_SECONDS`, counted in the Django cache) so that nobody can enumerate
codes. The page shows what an employer needs and no more: valid or revoked, the
certification, the blocks, the date, the holder's name partly masked ("J*** M*******"). A
decision letter shows like a certificate, with the decision it announces; a PV shows its
number, date, jury, number of decisions and content hash, never a candidate's name.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from acquis.candidates import names
from acquis.credentials.enums import DocumentKind
from acquis.credentials.models import IssuedDocument
from acquis.dates import french_date
from acquis.juries import ledger
from acquis.juries.models import HeldBlock
from acquis.organisations import certifier_settings


def mask(word: str) -> str:
    """First letter kept, the others starred: "Marchand" -> "M*******"."""
    return word[:1] + "*" * (len(word) - 1) if word else ""


def masked_name(candidate) -> str:
    # The name she goes by (acquis.candidates.names), masked; the birth name is not shown.
    return f"{mask(candidate.first_name)} {mask(names.used_name(candidate))}"


@dataclass(frozen=True)
class VerifiedBlock:
    code: str
    title: str
    state: str  # "acquis définitivement" or "annulé (correction)"


@dataclass(frozen=True)
class Verification:
    kind_label: str
    number: str
    valid: bool
    revoked_at: object
    certifier: str
    certification: str
    level: str
    registry: str
    holder: str
    deliberation_date: date
    issued_at: object
    blocks: list[VerifiedBlock]
    kind: str = ""
    # A decision letter: the decision it announces.
    decision_label: str = ""
    # A PV: what it records, without any candidate's name.
    jury: str = ""
    decisions: int | None = None
    content_hash: str = ""
    # A revoked document: why (the category, not the free text) and what replaced it.
    revocation_label: str = ""
    replaced_by: str = ""
    # A duplicata: the original it copies ("Certificat (parchemin) n° …"), and its own date.
    duplicate_of: str = ""
    duplicate_issued_at: object = None

    @property
    def is_minutes(self) -> bool:
        return self.kind == DocumentKind.MINUTES


def find(code: str) -> IssuedDocument | None:
    return (
        IssuedDocument.objects.filter(verification_code=code)
        .select_related(
            "candidate",
            "certifier",
            "decision__deliberation__version",
            "minutes__deliberation__version",
            "replaced_by",
            "duplicate_of",
        )
        .defer(
            "decision__deliberation__version__document",
            "minutes__deliberation__version__document",
        )
        .first()
    )


def verify(document: IssuedDocument) -> Verification:
    decision = document.decision
    # A PV has no decision of its own: its deliberation gives the certification and date.
    deliberation = decision.deliberation if decision else document.minutes.deliberation
    version = deliberation.version
    rows = HeldBlock.objects.filter(decision=decision).select_related("block")
    if decision is None:
        rows = rows.none()
    blocks = [
        VerifiedBlock(row.block_code, row.block.title, ledger.state(row))
        for row in rows.order_by("block__position", "pk")
    ]
    return Verification(
        kind_label=DocumentKind(document.kind).label,
        number=document.number,
        valid=document.revoked_at is None,
        revoked_at=document.revoked_at,
        certifier=certifier_settings.display_name(document.certifier),
        certification=version.title,
        level=version.level_label,
        registry=version.registry_code,
        holder=document.holder_masked
        or (masked_name(document.candidate) if document.candidate else ""),
        deliberation_date=deliberation.date,
        # A duplicata carries its original's issue date.
        issued_at=(document.duplicate_of or document).issued_at,
        blocks=blocks,
        kind=document.kind,
        revocation_label=document.get_revocation_category_display() if document.revoked_at else "",
        replaced_by=_replacement(document),
        duplicate_of=_original(document),
        duplicate_issued_at=document.issued_at if document.duplicate_of_id else None,
        decision_label=decision.get_kind_display()
        if decision is not None and document.kind == DocumentKind.DECISION_LETTER
        else "",
        **_minutes_facts(document, deliberation),
    )


def _replacement(document: IssuedDocument) -> str:
    """The document issued in place of this one, as the page names it ("Certificat
    (parchemin) n° …"; a letter has no number: its date)."""
    replacement = document.replaced_by
    if replacement is None:
        return ""
    label = DocumentKind(replacement.kind).label
    if replacement.number:
        return f"{label} n° {replacement.number}"
    return f"{label} du {french_date(timezone.localdate(replacement.issued_at))}"


def _original(document: IssuedDocument) -> str:
    original = document.duplicate_of
    if original is None:
        return ""
    return f"{DocumentKind(original.kind).label} n° {original.number}"


def _minutes_facts(document: IssuedDocument, deliberation) -> dict:
    """A PV's verification: its jury, how many decisions it records, its content hash;
    never the candidates' names (they are in the PDF, not on a public page)."""
    if document.kind != DocumentKind.MINUTES or document.minutes is None:
        return {}
    return {
        "jury": f"{deliberation.get_kind_display()} — {deliberation.title}",
        "decisions": len(document.minutes.content.get("candidates", [])),
        "content_hash": document.minutes.content_hash,
    }


# --- rate limit of failed look-ups ----------------------------------------------------------


def _key(ip: str) -> str:
    return f"verify-failures:{ip}"


def blocked(ip: str) -> bool:
    return cache.get(_key(ip), 0) >= settings.ACQUIS_VERIFY_MAX_FAILURES


def record_failure(ip: str) -> None:
    key = _key(ip)
    # add() sets the window on the first failure only; incr() keeps that expiry.
    if not cache.add(key, 1, timeout=settings.ACQUIS_VERIFY_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=settings.ACQUIS_VERIFY_WINDOW_SECONDS)


def lookup(typed: str, ip: str) -> IssuedDocument | None:
    """The document a visitor typed on the verification page: its verification code, or its
    number ("OPS-2026-0001", case and surrounding spaces ignored).

    Numbers are sequential, so a number look-up always counts against the IP's limit, found
    or not: nobody can walk through the numbers to collect holders. A code is unguessable:
    only a failed look-up counts, as on `/verifier/<code>/`. A number two certifiers both
    issued is ambiguous: not found (the code settles it)."""
    typed = (typed or "").strip()
    if not typed:
        return None
    document = find(typed) if len(typed) <= 64 else None
    if document is not None:
        return document
    record_failure(ip)
    if len(typed) > 40:
        return None
    candidates = list(
        IssuedDocument.objects.filter(number__iexact=typed)
        .exclude(number="")
        .values_list("pk", "certifier_id", "revoked_at")
    )
    if not candidates or len({certifier for _, certifier, _ in candidates}) > 1:
        return None
    # A duplicata repeats its original's number: the one still valid, else the latest.
    pk = sorted(candidates, key=lambda row: (row[2] is not None, -row[0]))[0][0]
    return find(IssuedDocument.objects.get(pk=pk).verification_code)
