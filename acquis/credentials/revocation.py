"""Revoking what a decision issued, and reissuing a document.

- One document or one badge, by the certifier's staff, with a written reason
  (`revoke_document`, `revoke_badge`): it stays stored and downloadable by its holder, the
  public verification page says "révoqué" with the date, and a badge's bit is set in the
  published status list. Never deleted, never revoked twice.
- Everything of a decision (`revoke_decision`): when a signed correction supersedes the
  decision (practice: "a correction is a new, reasoned decision that refers to the old
  one"), its certificate or attestation, its letter and its badges no longer reflect the
  decision in force. The jury app calls `on_decision_corrected` in the transaction of the
  correction's last signature (registered in `apps.py`, see `acquis/juries/hooks.py`).
- Reissue (`reissue_document`): a certificate or an attestation whose holder data was
  corrected (civil status) is revoked and a new one, with a new number, issued from the
  same decision in force, in one transaction.
- Duplicata (`issue_duplicate`): a certificate or an attestation in force, lost or
  damaged, is issued again marked "DUPLICATA" with the same number and the same issue date
  printed; the original is not revoked. The duplicata is a document of its own (its own
  verification code, whose page says it is a duplicata of n° …) and falls with the original
  when that one is revoked.
- Reissue of the old wording (`reissue_old_wording`, command `acquis credentials reissue
  --reason …`): documents and badges issued when blocks carried a validity date ("valable
  jusqu'au", `validUntil`) are revoked with the reason given and issued again, in today's
  wording ("blocs acquis définitivement"); one transaction and one audit event each.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from acquis.audit.services import record_event
from acquis.credentials import badges, documents, letters
from acquis.credentials.enums import DocumentKind, RevocationCategory
from acquis.credentials.models import CURRENT_WORDING, IssuedCredential, IssuedDocument
from acquis.dates import french_date
from acquis.errors import AcquisError
from acquis.juries.enums import DecisionKind
from acquis.juries.models import BlockDecision, Decision

REISSUABLE = (DocumentKind.CERTIFICATE, DocumentKind.BLOCK_ATTESTATION)


class RevocationError(AcquisError):
    """A revocation or a reissue refused; the message is in French, for the user."""


@dataclass(frozen=True)
class RevocationReport:
    documents: list[IssuedDocument]
    badges: list[IssuedCredential]


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise RevocationError("Motif de la révocation : ce champ est obligatoire.")
    return reason


def revoke_document(
    document: IssuedDocument, *, reason: str, actor, category: str = RevocationCategory.OTHER
) -> IssuedDocument:
    try:
        return documents.revoke_document(
            document, reason=_reason(reason), actor=actor, category=category
        )
    except documents.DocumentError as error:
        raise RevocationError(str(error)) from error


def revoke_badge(credential: IssuedCredential, *, reason: str, actor) -> IssuedCredential:
    try:
        return badges.revoke(credential, reason=_reason(reason), actor=actor)
    except badges.BadgeError as error:
        raise RevocationError(str(error)) from error


@transaction.atomic
def revoke_decision(decision: Decision, *, reason: str, actor) -> RevocationReport:
    """Revoke every document and badge of the decision still in force (idempotent)."""
    reason = _reason(reason)
    # Duplicata are revoked with their original.
    live_documents = IssuedDocument.objects.filter(
        decision=decision, revoked_at__isnull=True, duplicate_of__isnull=True
    )
    live_badges = IssuedCredential.objects.filter(decision=decision, revoked_at__isnull=True)
    revoked_documents = [
        documents.revoke_document(
            document, reason=reason, actor=actor, category=RevocationCategory.DECISION_CORRECTED
        )
        for document in live_documents.order_by("pk")
    ]
    revoked_badges = [
        badges.revoke(credential, reason=reason, actor=actor)
        for credential in live_badges.order_by("pk")
    ]
    return RevocationReport(documents=revoked_documents, badges=revoked_badges)


def correction_reason(correction: Decision) -> str:
    deliberation = correction.deliberation
    minutes = deliberation.minutes.filter(superseded=False).order_by("-generated_at").first()
    number = f" (PV n° {minutes.number})" if minutes is not None else ""
    return (
        f"Décision corrigée par la délibération « {deliberation.title} » du "
        f"{french_date(deliberation.date)}{number}."
    )


def on_decision_corrected(corrected: Decision, correction: Decision, *, actor) -> None:
    """Hook of the jury app: a signed correction supersedes `corrected`."""
    revoke_decision(corrected, reason=correction_reason(correction), actor=actor)


def _in_force(decision: Decision) -> bool:
    return not decision.corrections.filter(frozen=True).exists()


@transaction.atomic
def reissue_document(
    document: IssuedDocument,
    *,
    reason: str,
    actor,
    category: str = RevocationCategory.CIVIL_STATUS,
    cascade_letter: bool = True,
) -> IssuedDocument:
    """Revoke a certificate or attestation and issue its replacement (new number), named on
    the old one's verification page; the decision letter, which cites the document's number,
    is issued again citing the new one."""
    reason = _reason(reason)
    document = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if document.kind not in REISSUABLE or document.decision_id is None:
        raise RevocationError(
            "Seuls un certificat ou une attestation de blocs peuvent être délivrés à nouveau."
        )
    if document.revoked_at is not None:
        raise RevocationError(
            f"Le document n° {document.number} est déjà révoqué : il ne peut plus être remplacé."
        )
    decision = Decision.objects.select_for_update().get(pk=document.decision_id)
    if not _in_force(decision):
        raise RevocationError(
            "Cette décision a été corrigée : ses documents ne peuvent plus être délivrés à "
            "nouveau. Délivrez ceux de la décision de correction."
        )
    documents.revoke_document(document, reason=reason, actor=actor, category=category)
    replacement = documents._issue(documents._decision(decision), document.kind, actor=actor)
    IssuedDocument.objects.filter(pk=document.pk).update(replaced_by=replacement)
    record_event(
        "credentials.document_reissued",
        replacement,
        actor=actor,
        payload={"replaces": document.number, "number": replacement.number, "reason": reason},
    )
    if cascade_letter:
        _reissue_citing_letter(document, replacement, actor=actor)
    return replacement


def _duplicate_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise RevocationError("Motif du duplicata : ce champ est obligatoire.")
    return reason


@transaction.atomic
def issue_duplicate(document: IssuedDocument, *, reason: str, actor) -> IssuedDocument:
    """Issue a duplicata of a certificate or an attestation in force (the holder lost or
    damaged it): same number, same issue date, marked "DUPLICATA"; the original stays in
    force. A duplicata asked of a duplicata is made from its original."""
    reason = _duplicate_reason(reason)
    document = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if document.duplicate_of_id is not None:
        document = IssuedDocument.objects.select_for_update().get(pk=document.duplicate_of_id)
    if document.kind not in REISSUABLE or document.decision_id is None:
        raise RevocationError(
            "Seuls un certificat ou une attestation de blocs peuvent faire l'objet d'un duplicata."
        )
    if document.revoked_at is not None:
        raise RevocationError(
            f"Le document n° {document.number} est révoqué : il ne peut pas faire l'objet "
            "d'un duplicata."
        )
    decision = Decision.objects.select_for_update().get(pk=document.decision_id)
    if not _in_force(decision):
        raise RevocationError(
            "Cette décision a été corrigée : ses documents ne peuvent plus faire l'objet d'un "
            "duplicata. Délivrez ceux de la décision de correction."
        )
    duplicate = documents._duplicate(document, actor=actor)
    record_event(
        "credentials.duplicate_issued",
        duplicate,
        actor=actor,
        payload={
            "kind": duplicate.kind,
            "number": duplicate.number,
            "original": document.pk,
            "reason": reason,
            "sha256": duplicate.sha256,
        },
    )
    return duplicate


def _reissue_citing_letter(old: IssuedDocument, new: IssuedDocument, *, actor):
    """The decision letter cites the number of what was issued with it: once that document is
    replaced, a letter issued before the replacement is issued again citing the new number."""
    letter = letters.issued_letter(new.decision)
    if letter is None or letter.issued_at > new.issued_at:
        return None
    return letter, letters.reissue_letter(
        letter,
        reason=f"Le document n° {old.number} qu'elle cite est remplacé par le n° {new.number}.",
        actor=actor,
        category=RevocationCategory.CITED_REPLACED,
    )


# --- the old wording of blocks ("valable jusqu'au") --------------------------------------------


def old_wording_documents():
    """Documents in force that gave blocks a validity date: every block attestation, and the
    letters of a partial validation or naming blocks held before (wording 1)."""
    held_before = BlockDecision.objects.filter(decision=OuterRef("decision"), held_before=True)
    in_force = ~Exists(Decision.objects.filter(corrects=OuterRef("decision"), frozen=True))
    return (
        IssuedDocument.objects.filter(
            revoked_at__isnull=True, wording__lt=CURRENT_WORDING, decision__isnull=False
        )
        .filter(
            Q(kind=DocumentKind.BLOCK_ATTESTATION)
            | Q(kind=DocumentKind.DECISION_LETTER)
            & (Q(decision__kind=DecisionKind.PARTIAL) | Exists(held_before))
        )
        .filter(in_force)
        .select_related("candidate")
        .order_by("issued_at", "pk")
    )


def old_wording_badges() -> list[IssuedCredential]:
    """Badges in force that carry a `validUntil` (a block is acquired for good)."""
    in_force = ~Exists(Decision.objects.filter(corrects=OuterRef("decision"), frozen=True))
    live = IssuedCredential.objects.filter(revoked_at__isnull=True).filter(in_force)
    return [c for c in live.order_by("issued_at", "pk") if badges.has_old_wording(c)]


@dataclass
class ReissueReport:
    documents: list[tuple[IssuedDocument, IssuedDocument]] = field(default_factory=list)
    badges: list[tuple[IssuedCredential, IssuedCredential]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def reissue_old_wording(*, reason: str, actor, dry_run: bool = False) -> ReissueReport:
    """Replace every document and badge of the old wording; each in its own transaction
    (an interrupted run keeps what it replaced, and the next run skips it)."""
    reason = _reason(reason)
    report = ReissueReport()
    for document in old_wording_documents():
        if dry_run:
            report.documents.append((document, document))
            continue
        try:
            report.documents.append((document, _reissue_any(document, reason, actor)))
        except (RevocationError, documents.DocumentError) as error:
            report.refused.append(f"{DocumentKind(document.kind).label} : {error}")
    # Letters not of the old wording that cite a number just replaced (the old wording's own
    # letters were reissued in the loop, after the documents they cite: issued_at order).
    for old, new in list(report.documents):
        if dry_run or new.kind == DocumentKind.DECISION_LETTER:
            continue
        with transaction.atomic():
            letters_pair = _reissue_citing_letter(old, new, actor=actor)
        if letters_pair is not None:
            report.documents.append(letters_pair)
    for credential in old_wording_badges():
        if dry_run:
            report.badges.append((credential, credential))
            continue
        try:
            report.badges.append(
                (credential, badges.reissue(credential, reason=reason, actor=actor))
            )
        except badges.BadgeError as error:
            report.refused.append(f"Badge {credential.credential_id} : {error}")
    return report


def _reissue_any(document: IssuedDocument, reason: str, actor) -> IssuedDocument:
    if document.kind == DocumentKind.DECISION_LETTER:
        return letters.reissue_letter(
            document, reason=reason, actor=actor, category=RevocationCategory.WORDING
        )
    return reissue_document(
        document,
        reason=reason,
        actor=actor,
        category=RevocationCategory.WORDING,
        cascade_letter=False,
    )
