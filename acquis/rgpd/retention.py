"""Retention policy: how long each kind of record is kept, applied by the daily maintenance.

The durations live in `ACQUIS_RETENTION` (settings, in days; docs/rgpd.md explains each):
- `uploads_after_closing`: the files of a closed candidacy (decided, withdrawn, abandoned,
  not admissible) are deleted that long after it closed — their row, hash and date stay;
- `contact_after_closing`: the candidate's contact data (e-mail, phone, address) are erased
  that long after their last candidacy closed, when none is open;
- `throttle_counters`: counters of failed attempts without a lock are deleted after that long;
- `email_log`: the e-mail log's rows (acquis.emails) are deleted that long after sending.
Legal records (decisions, PVs, issued documents, badges, held blocks, the audit trail) have
no entry: they are kept.

`apply_retention(dry_run=True)` (`acquis rgpd purge --dry-run`) lists what would go and
changes nothing.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from acquis.audit.models import AuditEvent
from acquis.audit.services import record_event
from acquis.candidates.models import Candidacy, Candidate
from acquis.emails.models import EmailLog
from acquis.rgpd.erasure import purge_document
from acquis.rgpd.records import uploaded_documents
from acquis.security.models import Throttle

CLOSED = ("decided", "withdrawn", "abandoned", "not_admissible")


@dataclass
class RetentionReport:
    uploads: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    counters: int = 0
    emails: int = 0

    @property
    def total(self) -> int:
        return len(self.uploads) + len(self.contacts) + self.counters + self.emails

    def lines(self) -> list[str]:
        return [
            f"Pièces déposées à effacer : {len(self.uploads)}",
            *[f"  - {line}" for line in self.uploads],
            f"Coordonnées de candidats à effacer : {len(self.contacts)}",
            *[f"  - {line}" for line in self.contacts],
            f"Compteurs de tentatives à supprimer : {self.counters}",
            f"Courriels du journal à supprimer : {self.emails}",
        ]


def _days(name: str) -> timedelta:
    return timedelta(days=settings.ACQUIS_RETENTION[name])


def _closed_candidacies(before):
    """{candidacy id: closing time} for candidacies closed before `before` (their last move
    into a closed state, read in the audit trail)."""
    ids = [
        str(pk) for pk in Candidacy.objects.filter(status__in=CLOSED).values_list("pk", flat=True)
    ]
    closings = (
        AuditEvent.objects.filter(
            object_type="candidates.Candidacy", object_id__in=ids, to_state__in=CLOSED
        )
        .values("object_id")
        .annotate(closed_at=Max("created_at"))
        .filter(closed_at__lte=before)
    )
    return {int(row["object_id"]): row["closed_at"] for row in closings}


def apply_retention(*, now=None, dry_run: bool = False) -> RetentionReport:
    now = now or timezone.now()
    report = RetentionReport()

    closed = _closed_candidacies(now - _days("uploads_after_closing"))
    for candidate in Candidate.objects.filter(candidacies__in=list(closed)).distinct():
        if candidate.candidacies.exclude(pk__in=list(closed)).exists():
            continue  # another candidacy is open or closed too recently: the dossier lives
        for document in uploaded_documents(candidate):
            if document.purged_at is None:
                report.uploads.append(
                    f"candidat n° {candidate.pk} : pièce {document.uuid} "
                    f"du {document.uploaded_at:%d/%m/%Y}"
                )
                if not dry_run:
                    with transaction.atomic():
                        purge_document(document, now=now)
                        record_event(
                            "rgpd.retention_purged",
                            document,
                            object_repr=f"Pièce {document.uuid}",
                            payload={"rule": "uploads_after_closing"},
                        )

    closed = _closed_candidacies(now - _days("contact_after_closing"))
    contact = ~Q(email="") | ~Q(phone="") | ~Q(address="") | ~Q(city="")
    for candidate in Candidate.objects.filter(contact, candidacies__in=list(closed)).distinct():
        if Candidacy.objects.filter(candidate=candidate).exclude(pk__in=list(closed)).exists():
            continue
        report.contacts.append(f"candidat n° {candidate.pk}")
        if not dry_run:
            with transaction.atomic():
                # The e-mail leaves the search text too (update() bypasses save()).
                candidate.email = ""
                candidate.refresh_search_text()
                Candidate.objects.filter(pk=candidate.pk).update(
                    email="",
                    phone="",
                    address="",
                    postal_code="",
                    city="",
                    search_text=candidate.search_text,
                )
                record_event(
                    "rgpd.retention_purged",
                    candidate,
                    object_repr=f"Candidat n° {candidate.pk}",
                    payload={"rule": "contact_after_closing"},
                )

    stale = Throttle.objects.filter(
        locked_until__isnull=True, window_start__lte=now - _days("throttle_counters")
    )
    report.counters = stale.count()
    if not dry_run:
        stale.delete()

    old = EmailLog.objects.filter(created_at__lte=now - _days("email_log"))
    report.emails = old.count()
    if not dry_run:
        # A resend points to its original: the link goes with it (SET_NULL), the row stays.
        old.delete()
    return report
