"""Changing a session after planning it: edit it until it opens (once convocations are sent,
with a reason, and the convoked get the modified convocation), delete it while empty,
remove a panel member before the panel is confirmed; and the rule on dates (a session
is planned for today or later, unless it records one that already took place).

Cancelling is `services.cancel_session` (a move of the session workflow, with its reason).
"""

from datetime import date, datetime

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from acquis.audit.services import record_event
from acquis.evaluations import bookings
from acquis.evaluations.enums import SessionStatus, SlotStatus
from acquis.evaluations.exceptions import EvaluationError
from acquis.evaluations.models import (
    EvaluationSession,
    JurorProfile,
    PanelMember,
    Slot,
    SlotAssessor,
)
from acquis.evaluations.planning import default_deliverables_due

EDITABLE = (SessionStatus.PLANNED, SessionStatus.PANEL_CONFIRMED)
HISTORY_HINT = (
    "pour enregistrer une session qui a déjà eu lieu, cochez « Session passée (historique) »."
)


def check_dates(on: date, deliverables_due_at=None, *, today: date | None, history: bool):
    """Refuse a deliverables deadline after the day; with `today` (the day of the person
    planning: the web form passes it), refuse a past day or a past deadline typed by the
    person, unless `history`. Without `today` no comparison with the calendar is made (a
    caller recording what already happened: the demo, the tests' arrangements)."""
    if deliverables_due_at is not None and timezone.localtime(deliverables_due_at).date() > on:
        raise EvaluationError(
            "Date limite des livrables : elle ne peut pas être après le jour de la session.",
            field="deliverables_due_at",
        )
    if today is None or history:
        return
    if on < today:
        raise EvaluationError(
            f"Date de la session : le {on:%d/%m/%Y} est passé ; {HISTORY_HINT}",
            field="on",
        )
    if deliverables_due_at is not None and timezone.localtime(deliverables_due_at).date() < today:
        raise EvaluationError(
            "Date limite des livrables : le "
            f"{timezone.localtime(deliverables_due_at):%d/%m/%Y} est passé ; choisissez une "
            f"date à venir, ou {HISTORY_HINT}",
            field="deliverables_due_at",
        )


def convocations_sent(session: EvaluationSession) -> bool:
    return (
        session.slots.filter(convoked_at__isnull=False).exists()
        or session.panel.filter(convoked_at__isnull=False).exists()
    )


def editable(session: EvaluationSession) -> bool:
    """The date, place and title may still change: not opened (once convocations are sent,
    a change needs a reason and re-sends them)."""
    return session.status in EDITABLE


@transaction.atomic
def update_session(
    session: EvaluationSession,
    *,
    title: str,
    on: date,
    place: str = "",
    remote: bool = False,
    deliverables_due_at=None,
    history: bool = False,
    today: date | None = None,
    reason: str = "",
    actor=None,
) -> EvaluationSession:
    """Change the title, day, place or deliverables deadline until the session opens.
    The slots keep their times and move to the new day; the deadline follows the day when
    it was the default one. No juror and no room may then be booked twice (any session of
    the certifier). Once convocations are sent, a reason is required and everyone convoked
    gets the modified convocation (same calendar event, SEQUENCE one higher)."""
    locked = EvaluationSession.objects.select_for_update().get(pk=session.pk)
    if locked.status not in EDITABLE:
        raise EvaluationError(
            f"La session est « {locked.get_status_display()} » : elle ne se modifie plus."
        )
    sent = convocations_sent(locked)
    reason = (reason or "").strip()
    if sent and not reason:
        raise EvaluationError(
            "Les convocations sont envoyées : indiquez le motif de la modification ; les "
            "candidats et les membres du jury convoqués recevront la convocation modifiée.",
            field="reason",
        )
    title, place = (title or "").strip(), (place or "").strip()
    if not title:
        raise EvaluationError("Intitulé : indiquez l'intitulé de la session.", field="title")
    if not remote and not place:
        raise EvaluationError("Lieu : indiquez le lieu, ou cochez « à distance ».", field="place")
    # A deadline typed now is checked against today; one that follows the day is not.
    check_dates(on, deliverables_due_at, today=today, history=history)
    rules = locked.version.rules
    was_default = locked.deliverables_due_at == default_deliverables_due(locked.date, rules)
    if deliverables_due_at is None:
        deliverables_due_at = (
            default_deliverables_due(on, rules) if was_default else locked.deliverables_due_at
        )
        check_dates(on, deliverables_due_at, today=None, history=history)
    before = _snapshot(locked)
    locked.title, locked.date, locked.place, locked.remote = title, on, place, remote
    locked.deliverables_due_at = deliverables_due_at
    locked.save(update_fields=["title", "date", "place", "remote", "deliverables_due_at"])
    moved = _move_slots(locked, on) if before["date"] != on.isoformat() else 0
    _refuse_clashes(locked)
    after = _snapshot(locked)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    payload = {"changes": changes, "slots_moved": moved, "history": history}
    if reason:
        payload["reason"] = reason
    record_event("session.updated", locked, actor=actor, payload=payload)
    if sent and changes:
        # start-up: convocations loads icalendar, kept out of every command's start.
        from acquis.evaluations.convocations import resend

        resend(locked, reason=reason, actor=actor)
    return locked


def _refuse_clashes(session) -> None:
    """The session's sittings, at their new day or place, against the other sessions'."""

    panel = bookings.panel_names(session)
    slots = (
        Slot.objects.filter(session=session, status=SlotStatus.SCHEDULED)
        .select_related("session")
        .prefetch_related("assessor_links__juror__user")
    )
    sittings = []
    for slot in slots:
        slot.session = session
        sittings.append(bookings.sitting_of(slot, panel=panel))
    found = bookings.clashes(session.certifier_id, sittings, within=False)
    if found:
        raise EvaluationError("Double réservation : " + " ".join(found), field="on")


def _snapshot(session) -> dict:
    due = session.deliverables_due_at
    return {
        "title": session.title,
        "date": session.date.isoformat(),
        "place": session.place,
        "remote": session.remote,
        "deliverables_due_at": timezone.localtime(due).isoformat() if due else None,
    }


def _move_slots(session, on: date) -> int:
    zone = timezone.get_current_timezone()
    slots = list(session.slots.select_for_update())
    for slot in slots:
        clock = timezone.localtime(slot.starts_at, zone).time()
        slot.starts_at = datetime.combine(on, clock, tzinfo=zone)
        slot.save(update_fields=["starts_at"])
    return len(slots)


@transaction.atomic
def delete_session(session: EvaluationSession, *, actor=None) -> None:
    """Delete a session entered by mistake, while nothing hangs on it (no member, no slot).
    The audit event keeps what it was."""
    locked = EvaluationSession.objects.select_for_update().get(pk=session.pk)
    if locked.panel.exists() or locked.slots.exists():
        raise EvaluationError(
            "La session a déjà des membres de jury ou des créneaux : elle ne se supprime "
            "pas ; annulez-la avec un motif."
        )
    record_event(
        "session.deleted",
        locked,
        actor=actor,
        from_state=locked.status,
        payload={**_snapshot(locked), "version": locked.version_id},
    )
    try:
        with transaction.atomic():
            locked.delete()
    except ProtectedError as exc:
        raise EvaluationError(
            "Des éléments enregistrés dépendent de cette session : annulez-la plutôt."
        ) from exc


@transaction.atomic
def remove_panel_member(session: EvaluationSession, juror: JurorProfile, *, actor=None) -> None:
    """Take a member off the panel before it is confirmed (their slot assignments go with
    them; the other sessions and the juror record do not change)."""
    locked = EvaluationSession.objects.select_for_update().get(pk=session.pk)
    if locked.status != SessionStatus.PLANNED:
        raise EvaluationError(
            "Le jury d'une session confirmée ne change plus : rouvrez-le d'abord."
        )
    member = PanelMember.objects.filter(session=locked, juror=juror).first()
    if member is None:
        raise EvaluationError(f"{juror} ne fait pas partie du jury de cette session.")
    if member.convoked_at is not None:
        raise EvaluationError(f"{juror} est déjà convoqué(e) : annulez sa convocation d'abord.")
    links = SlotAssessor.objects.filter(slot__session=locked, juror=juror)
    slots = list(links.values_list("slot_id", flat=True))
    links.delete()
    member.delete()
    record_event(
        "session.panel_member_removed",
        locked,
        actor=actor,
        payload={"juror": juror.pk, "name": str(juror), "slots": slots},
    )
