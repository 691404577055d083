"""Erasure (RGPD art. 17) within the legal retention of a certifier's records.

Kept, because they are legal records the certifier must produce (and a holder may need for
life): decisions, PVs, issued documents (certificates, attestations, letters), badges, the
ledger of held blocks, and the identity these carry (names, birth date and place). When the
candidate has no decision, nothing legal holds their identity and it is pseudonymised too.

Purged or pseudonymised: contact data (e-mail, phone, address), the uploads' contents (the
files are deleted; the row keeps its hash and date so that the history stays readable),
the names of third parties they gave (placement tutor), accommodation details, the login
account (deactivated, e-mail and names replaced, second factor removed), and the sealed
fields of the audit events about their own records (`audit.services.erase_events`: the
chain still verifies). The erasure's own event names no one: "Candidat n° 42".
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from acquis.audit.services import ERASURE_VERB, erase_events, record_event
from acquis.candidates.models import Accommodation, Candidate, WorkPlacement
from acquis.documents.models import Document
from acquis.emails.models import EmailLog
from acquis.followup.models import Invitation
from acquis.juries.models import Decision
from acquis.rgpd import records
from acquis.security import twofactor

PSEUDONYM = "EFFACÉ"


@dataclass
class ErasureReport:
    candidate_id: int
    identity_kept: bool
    documents_purged: int = 0
    audit_events: list[int] = field(default_factory=list)
    account: bool = False
    emails: int = 0


def purge_document(document, *, now=None) -> bool:
    """Delete an upload's file, keep its row (hash, date, kind); False if already done."""
    if document.purged_at is not None:
        return False
    if document.file:
        document.file.delete(save=False)
    Document.objects.filter(pk=document.pk).update(
        purged_at=now or timezone.now(), original_name="[effacé]", file=""
    )
    return True


@transaction.atomic
def erase_candidate(candidate, *, actor, now=None) -> ErasureReport:
    now = now or timezone.now()
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    legal = Decision.objects.filter(candidacy__candidate=candidate).exists()
    report = ErasureReport(candidate.pk, identity_kept=legal)
    events = list(records.audit_events_about(candidate))
    for document in records.uploaded_documents(candidate):
        report.documents_purged += purge_document(document, now=now)
    WorkPlacement.objects.filter(candidacy__candidate=candidate).update(
        tutor_name=PSEUDONYM, tutor_email=""
    )
    Accommodation.objects.filter(candidacy__candidate=candidate).update(details="")
    # Insertion survey answers stay, cut from the person (acquis.followup: as pseudonymised).
    Invitation.objects.filter(decision__candidacy__candidate=candidate).update(
        decision=None, email="", nonce=""
    )
    report.emails = _erase_emails(candidate)
    candidate.email = candidate.phone = candidate.address = ""
    candidate.postal_code = candidate.city = ""
    if not legal:
        candidate.birth_name, candidate.usage_name = PSEUDONYM, ""
        candidate.first_name = f"n° {candidate.pk}"
        candidate.first_name_2 = candidate.first_name_3 = ""
        candidate.birth_date = date(1900, 1, 1)
        candidate.birth_insee_code, candidate.birth_city = "", ""
        candidate.birth_country = PSEUDONYM
        candidate.identity_key = f"{PSEUDONYM}|{candidate.pk}"
    candidate.save()
    if candidate.user_id:
        _erase_account(candidate.user)
        report.account = True
    report.audit_events = erase_events(events)
    record_event(
        ERASURE_VERB,
        candidate,
        actor=actor,
        object_repr=f"Candidat n° {candidate.pk}",
        payload={
            "audit_events": report.audit_events,
            "documents_purged": report.documents_purged,
            "identity_kept": legal,
            "account": report.account,
        },
    )
    return report


def _erase_emails(candidate) -> int:
    """The e-mail log keeps that something was sent (kind, date, status), not to whom nor
    what: the rows about the candidate's candidacies or sent to their addresses."""

    addresses = {candidate.email} | ({candidate.user.email} if candidate.user_id else set())
    rows = EmailLog.objects.filter(
        Q(candidacy__candidate=candidate) | Q(recipient__in=addresses - {""})
    )
    return rows.update(recipient="", subject="[effacé]", body="", attachments=[], error="", key="")


def _erase_account(user) -> None:
    twofactor._delete_devices(user)
    user.memberships.all().delete()
    user.email = f"efface-{user.pk}@acquis.invalid"
    user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
