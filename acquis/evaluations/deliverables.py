"""Preparatory deliverables ("livrables en amont"): uploaded before a deadline, seen by the panel.

The referential asks the candidate to prepare some deliverables before a sitting (OPS
Conseil: a summary support for E1, a prerequisites assessment tool and an interview guide for
E2). The candidate uploads them for their slot until the session's deadline
(`EvaluationSession.deliverables_due_at`, two days before at 23:59 unless staff set another):
every upload is kept (history, never deleted) and the latest one counts. Deposits lock **at**
the deadline (an upload stamped at the deadline itself is refused), and also once the session
is opened, closed or cancelled. The panel sees the deliverables from the session's opening.

The deadline is checked inside the upload's transaction, after the session row is locked and
the file stored, against the time taken there: an upload that began before the deadline but
whose record would be written after it is refused, and a deadline moved by staff at the same
moment (set_deadline locks the same row) is either wholly before or wholly after the upload.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from acquis.audit.services import record_event
from acquis.documents.services import DocumentError, store_upload
from acquis.evaluations.enums import SessionStatus, SlotStatus
from acquis.evaluations.exceptions import EvaluationError
from acquis.evaluations.models import DeliverableSubmission, EvaluationSession, Slot

# The panel sees the deliverables from the opening of the session (SESSION_TRANSITIONS).
PANEL_VISIBLE_STATUSES = (SessionStatus.OPENED, SessionStatus.CLOSED)
# Once the session is held (or cancelled), nothing more is deposited, whatever the deadline.
LOCKED_SESSION_STATUSES = (SessionStatus.OPENED, SessionStatus.CLOSED, SessionStatus.CANCELLED)
DOCUMENT_KIND = "preparatory_deliverable"


class DeliverableFileError(EvaluationError):
    """The uploaded file itself is refused (type, size, emptiness): shown beside the field."""


def when(moment: datetime) -> str:
    """'13/12/2026 à 23:59' in the installation's time zone (Paris)."""
    local = timezone.localtime(moment)
    return f"{local:%d/%m/%Y} à {local:%H:%M}"


def required(slot: Slot):
    """The deliverables the slot's sitting asks for (from the referential), in order."""
    return slot.assessment.deliverables.order_by("position", "pk")


def is_locked(session: EvaluationSession, now: datetime | None = None) -> bool:
    """Deposits are closed: at or after the deadline, or once the session is held."""
    if session.status in LOCKED_SESSION_STATUSES:
        return True
    due = session.deliverables_due_at
    return due is not None and (now or timezone.now()) >= due


def panel_may_see(slot: Slot) -> bool:
    """The panel sees a slot's deliverables from the session's opening."""
    return slot.session.status in PANEL_VISIBLE_STATUSES


def current_for_slots(slots) -> dict[tuple[int, int], DeliverableSubmission]:
    """(slot pk, deliverable pk) -> the submission that counts: the latest before the deadline.

    One query for any number of slots (the staff table). Submissions are never after the
    deadline (upload_deliverable refuses them, set_deadline never goes back before now), the
    filter is a second guard.
    """
    slots = list(slots)
    due = {slot.pk: slot.session.deliverables_due_at for slot in slots}
    found: dict[tuple[int, int], DeliverableSubmission] = {}
    submissions = (
        DeliverableSubmission.objects.filter(slot__in=[slot.pk for slot in slots])
        .select_related("document", "deliverable")
        .order_by("submitted_at", "pk")
    )
    for submission in submissions:
        deadline = due[submission.slot_id]
        if deadline is None or submission.submitted_at < deadline:
            found[(submission.slot_id, submission.deliverable_id)] = submission
    return found


def current(slot: Slot) -> dict[int, DeliverableSubmission]:
    """Deliverable pk -> the latest submission before the deadline, for one slot."""
    return {
        deliverable_id: submission
        for (_slot_id, deliverable_id), submission in current_for_slots([slot]).items()
    }


def history(slot: Slot, deliverable) -> list[DeliverableSubmission]:
    """Every upload of a deliverable for the slot, oldest first (never deleted)."""
    return list(
        slot.deliverable_submissions.filter(deliverable=deliverable)
        .select_related("document")
        .order_by("submitted_at", "pk")
    )


def _refusal(slot: Slot, session: EvaluationSession, deliverable, now: datetime) -> str:
    """Why the deliverable cannot be deposited now for this slot ("" when it can)."""
    if deliverable.assessment_id != slot.assessment_id:
        return (
            f"Livrable : {deliverable.code} n'est pas demandé pour l'épreuve "
            f"{slot.assessment.code}."
        )
    if session.status == SessionStatus.CANCELLED:
        return "Dépôt impossible : la session a été annulée."
    if slot.status != SlotStatus.SCHEDULED:
        return f"Dépôt impossible : le créneau est « {slot.get_status_display()} »."
    if session.status in LOCKED_SESSION_STATUSES:
        return (
            f"Dépôt clos : la session est « {session.get_status_display()} » ; "
            f"le livrable {deliverable.code} ne peut plus être déposé ni remplacé."
        )
    due = session.deliverables_due_at
    if due is not None and now >= due:
        return (
            f"Dépôt clos depuis le {when(due)} : le livrable {deliverable.code} ne peut plus "
            "être déposé ni remplacé."
        )
    return ""


@transaction.atomic
def upload_deliverable(
    slot: Slot, deliverable, *, upload, actor, now: datetime | None = None
) -> DeliverableSubmission:
    """Deposit (or replace) a preparatory deliverable for a slot before the deadline."""
    # The session row is locked first: set_deadline and open_session wait for this upload.
    session = EvaluationSession.objects.select_for_update().get(pk=slot.session_id)
    slot = Slot.objects.select_related("assessment").get(pk=slot.pk)
    refusal = _refusal(slot, session, deliverable, now or timezone.now())
    if refusal:
        raise EvaluationError(refusal)
    try:
        document = store_upload(
            upload,
            kind=DOCUMENT_KIND,
            actor=actor,
            field_label=f"Livrable {deliverable.code} ({deliverable.title})",
            candidacy=slot.candidacy,
        )
    except DocumentError as exc:
        raise DeliverableFileError(str(exc)) from exc
    # Time taken again once the file is stored: the record's time is the one checked.
    submitted_at = now or timezone.now()
    refusal = _refusal(slot, session, deliverable, submitted_at)
    if refusal:
        raise EvaluationError(refusal)  # the atomic block drops the stored Document row
    submission = DeliverableSubmission.objects.create(
        slot=slot,
        deliverable=deliverable,
        document=document,
        submitted_at=submitted_at,
        submitted_by=actor if actor is not None and actor.pk else None,
    )
    record_event(
        "slot.deliverable_submitted",
        slot,
        actor=actor,
        payload={
            "submission": submission.pk,
            "deliverable": deliverable.code,
            "document": str(document.uuid),
            "sha256": document.sha256,
            "name": document.original_name,
        },
    )
    return submission


@transaction.atomic
def set_deadline(
    session: EvaluationSession, due_at: datetime, *, actor, now: datetime | None = None
) -> EvaluationSession:
    """Staff set the deposit deadline: not after the session day, not once it is opened."""
    locked = EvaluationSession.objects.select_for_update().get(pk=session.pk)
    if due_at is None:
        raise EvaluationError("Date limite des livrables : indiquez une date et une heure.")
    if timezone.is_naive(due_at):
        due_at = timezone.make_aware(due_at)
    if locked.status in LOCKED_SESSION_STATUSES:
        raise EvaluationError(
            "Date limite des livrables : elle ne change plus, la session est "
            f"« {locked.get_status_display()} »."
        )
    if timezone.localtime(due_at).date() > locked.date:
        raise EvaluationError(
            "Date limite des livrables : elle ne peut pas être après le jour de la session "
            f"({locked.date:%d/%m/%Y})."
        )
    # Never before now: a deposit already made would then look late (and none can be).
    if due_at <= (now or timezone.now()):
        raise EvaluationError("Date limite des livrables : elle doit être dans le futur.")
    previous = locked.deliverables_due_at
    locked.deliverables_due_at = due_at
    locked.save(update_fields=["deliverables_due_at"])
    record_event(
        "session.deliverables_deadline_set",
        locked,
        actor=actor,
        payload={
            "from": timezone.localtime(previous).isoformat() if previous else None,
            "to": timezone.localtime(due_at).isoformat(),
        },
    )
    session.deliverables_due_at = due_at
    return session
