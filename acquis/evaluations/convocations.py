"""Convocations of a session's candidates and jurors: email, printable page, calendar file.

Domain practice (domain.md, "What certifiers also expect"): each candidate gets a
convocation per slot, each panel member one per session, by email with a calendar file
(ICS, RFC 5545) and a link to the printable page. `convoked_at` records that the email was
handed to the mail server: a second call sends only what is new (a slot added later, and an
updated convocation to the jurors who assess it), so it can be repeated safely.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parseaddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from acquis.audit.services import record_event
from acquis.candidates.enums import AccommodationKind
from acquis.candidates.models import Accommodation
from acquis.emails.enums import EmailKind, EmailStatus
from acquis.emails.services import send_email
from acquis.evaluations.enums import SessionStatus, SlotStatus
from acquis.evaluations.exceptions import EvaluationError
from acquis.evaluations.models import (
    CalendarEvent,
    EvaluationSession,
    JurorProfile,
    PanelMember,
    Slot,
)
from acquis.organisations.enums import Role
from acquis.organisations.models import User
from acquis.site import public_url

PARIS = ZoneInfo("Europe/Paris")
CONVOCABLE_SESSION_STATUSES = (SessionStatus.PANEL_CONFIRMED, SessionStatus.OPENED)
ICS_MIMETYPE = "text/calendar; charset=utf-8; method=PUBLISH"
SLOT_RELATED = ("session__version", "session__certifier", "assessment", "candidacy__candidate")


# --- what a convocation says ---------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    """Whom to contact: the certifier and its exam managers (no dedicated address exists)."""

    name: str
    address: str
    people: list[tuple[str, str]]


@dataclass(frozen=True)
class SlotConvocation:
    """The candidate's convocation to one slot (printable page, email, calendar)."""

    slot: Slot
    certification: str
    starts_at: datetime
    ends_at: datetime
    where: str
    deliverables: list
    deliverables_due_at: datetime | None
    accommodations: list[str]
    contact: Contact


@dataclass(frozen=True)
class JurorConvocation:
    """A panel member's convocation to a session: the slots they assess."""

    session: EvaluationSession
    juror: JurorProfile
    certification: str
    where: str
    slots: list
    contact: Contact


def where(slot_or_session) -> str:
    """The place in French: the session's place and the slot's room, or « à distance »."""
    session = getattr(slot_or_session, "session", slot_or_session)
    room = getattr(slot_or_session, "room", "")
    if session.remote:
        return "À distance" + (f" ({session.place})" if session.place else "")
    return session.place + (f", salle {room}" if room else "")


def measure_text(accommodation) -> str:
    """One accommodation as a measure in French (never a diagnosis, rule 7)."""
    text = accommodation.get_kind_display()
    if accommodation.kind == AccommodationKind.EXTRA_TIME:
        text += f" : {accommodation.extra_minutes} min"
    if accommodation.details:
        text += f" ({accommodation.details})"
    return text


def active_accommodations() -> Prefetch:
    """Prefetch of a slot's candidacy's active accommodations (`candidacy.active_measures`):
    a list of slots then costs one query for all their measures, not one per slot."""
    active = Accommodation.objects.filter(withdrawn_at__isnull=True).order_by("pk")
    return Prefetch("candidacy__accommodations", queryset=active, to_attr="active_measures")


def accommodation_measures(candidacy) -> list[str]:
    """The candidacy's active accommodations, as measures (prefetched when the caller used
    `active_accommodations`)."""
    active = getattr(candidacy, "active_measures", None)
    if active is None:
        active = candidacy.accommodations.filter(withdrawn_at__isnull=True).order_by("pk")
    return [measure_text(item) for item in active]


def contact_for(certifier) -> Contact:
    managers = User.objects.filter(
        memberships__organisation=certifier, memberships__role=Role.EXAM_MANAGER, is_active=True
    ).order_by("last_name", "first_name", "email")
    return Contact(
        name=certifier.name,
        address=certifier.address,
        people=[(u.get_full_name() or u.email, u.email) for u in managers.distinct()],
    )


def slot_convocation(slot: Slot) -> SlotConvocation:
    session = slot.session
    deliverables = list(slot.assessment.deliverables.order_by("position"))
    return SlotConvocation(
        slot=slot,
        certification=session.version.title,
        starts_at=timezone.localtime(slot.starts_at, PARIS),
        ends_at=timezone.localtime(slot.ends_at, PARIS),
        where=where(slot),
        deliverables=deliverables,
        deliverables_due_at=session.deliverables_due_at if deliverables else None,
        accommodations=accommodation_measures(slot.candidacy),
        contact=contact_for(session.certifier),
    )


def juror_slots(session, juror) -> list[Slot]:
    """The slots of the session this juror assesses, cancelled ones left out."""
    slots = (
        Slot.objects.filter(session=session, assessor_links__juror=juror)
        .exclude(status=SlotStatus.CANCELLED)
        .select_related(*SLOT_RELATED)
        .prefetch_related(active_accommodations())
        .order_by("starts_at", "pk")
    )
    result = []
    for slot in slots:
        slot.measures = accommodation_measures(slot.candidacy)
        result.append(slot)
    return result


def juror_convocation(session, juror) -> JurorConvocation:
    return JurorConvocation(
        session=session,
        juror=juror,
        certification=session.version.title,
        where=where(session),
        slots=juror_slots(session, juror),
        contact=contact_for(session.certifier),
    )


# --- calendar files (RFC 5545, iTIP RFC 5546) ------------------------------------------------


def _domain() -> str:
    """The installation's host (SITE_URL), right of the "@" of every UID: two installations
    never hand out the same UID (RFC 5545 §3.8.4.7)."""
    return urlsplit(settings.SITE_URL).hostname or "acquis.invalid"


def _uid(*parts) -> str:
    return "-".join(str(part) for part in parts) + f"@{_domain()}"


def _organizer(certifier) -> vCalAddress:
    """The certifier, reachable at its first exam manager's address (the contact the
    convocation gives), else the sender address of the installation's emails."""
    people = contact_for(certifier).people
    address = people[0][1] if people else parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(certifier.name)
    return organizer


def _calendar(name: str, method: str = "PUBLISH") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Acquis//Convocations//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    return calendar


def _digest(content: dict) -> str:
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()


def revision(uid: str, content: dict) -> int:
    """The SEQUENCE of the event `uid` saying `content`: unchanged while the content is,
    one more at each change (CalendarEvent keeps the last one handed out)."""
    return revisions({uid: content})[uid]


@transaction.atomic
def revisions(contents: dict[str, dict]) -> dict[str, int]:
    """The SEQUENCE of each event of a calendar file (uid → content), in a constant number
    of queries whatever the number of events: rows locked, created or bumped together."""
    digests = {uid: _digest(content) for uid, content in contents.items()}
    known = CalendarEvent.objects.select_for_update()
    events = {event.uid: event for event in known.filter(uid__in=digests)}
    missing = [CalendarEvent(uid=uid, digest=d) for uid, d in digests.items() if uid not in events]
    if missing:
        # Another request may create the same event meanwhile: both then read the one row.
        CalendarEvent.objects.bulk_create(missing, ignore_conflicts=True)
        events.update(
            (event.uid, event) for event in known.filter(uid__in=[event.uid for event in missing])
        )
    changed = [event for event in events.values() if event.digest != digests[event.uid]]
    if changed:
        now = timezone.now()
        for event in changed:
            event.sequence += 1
            event.digest = digests[event.uid]
            event.updated_at = now
        CalendarEvent.objects.bulk_update(changed, ["sequence", "digest", "updated_at"])
    return {uid: events[uid].sequence for uid in contents}


def _event(uid: str, organizer, **content) -> Event:
    """A VEVENT with ORGANIZER (required with METHOD PUBLISH and CANCEL, RFC 5546 §3.2.1,
    §3.2.5) and the SEQUENCE of its content."""
    return _built_event(uid, organizer, revision(uid, content), content)


def _events(organizer, contents: dict[str, dict]) -> list[Event]:
    """The VEVENTs of one calendar file (uid → content), their sequences read together."""
    sequences = revisions(contents)
    return [
        _built_event(uid, organizer, sequences[uid], content) for uid, content in contents.items()
    ]


def _built_event(uid: str, organizer, sequence: int, content: dict) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    event.add("sequence", sequence)
    event.add("organizer", organizer)
    for name in ("dtstart", "dtend", "summary", "location", "description", "status"):
        if content.get(name) is not None:
            event.add(name, content[name])
    return event


def _slot_event(slot: Slot, uid: str, *, summary: str, description: str) -> Event:
    return _event(
        uid,
        _organizer(slot.session.certifier),
        **_slot_content(slot, summary=summary, description=description),
    )


def _slot_content(slot: Slot, *, summary: str, description: str) -> dict:
    return dict(
        dtstart=timezone.localtime(slot.starts_at, PARIS),
        dtend=timezone.localtime(slot.ends_at, PARIS),  # extra time included
        summary=summary,
        location=where(slot),
        description=description,
        status="CANCELLED" if slot.status == SlotStatus.CANCELLED else "CONFIRMED",
    )


def _finish(calendar: Calendar) -> bytes:
    calendar.add_missing_timezones()  # VTIMEZONE for Europe/Paris
    return calendar.to_ical()


def candidate_uid(slot: Slot) -> str:
    return _uid("convocation", slot.pk)


def juror_uid(slot: Slot, juror: JurorProfile) -> str:
    return _uid("jury", slot.pk, juror.pk)


def slot_calendar(slot: Slot) -> bytes:
    """The candidate's calendar file for one slot; for a cancelled slot, its cancellation
    (METHOD CANCEL, the candidate as ATTENDEE: RFC 5546 §3.2.5)."""
    convocation = slot_convocation(slot)
    lines = [
        f"Convocation à l'épreuve {slot.assessment.code} — {slot.assessment.title}",
        f"Certification : {convocation.certification}",
        f"Session : {slot.session.title}",
    ]
    if slot.extra_minutes:
        lines.append(f"Temps supplémentaire (aménagement) : {slot.extra_minutes} min")
    if convocation.deliverables:
        codes = ", ".join(f"{d.code} ({d.title})" for d in convocation.deliverables)
        due = convocation.deliverables_due_at
        lines.append(
            f"Livrables à déposer : {codes}"
            + (
                f", au plus tard le {timezone.localtime(due, PARIS):%d/%m/%Y à %H:%M}"
                if due
                else ""
            )
        )
    lines.append(f"Contact : {convocation.contact.name}")
    cancelled = slot.status == SlotStatus.CANCELLED
    calendar = _calendar(
        f"Convocation {slot.assessment.code}", "CANCEL" if cancelled else "PUBLISH"
    )
    event = _slot_event(
        slot,
        candidate_uid(slot),
        summary=f"Épreuve {slot.assessment.code} — {slot.assessment.title}",
        description="\n".join(lines),
    )
    email = _candidate_email(slot.candidacy.candidate)
    if cancelled and email:
        event.add("attendee", vCalAddress(f"mailto:{email}"))
    calendar.add_component(event)
    return _finish(calendar)


def _juror_slot_event(slot: Slot, juror: JurorProfile) -> Event:
    return _event(
        juror_uid(slot, juror), _organizer(slot.session.certifier), **_juror_slot_content(slot)
    )


def _juror_slot_content(slot: Slot) -> dict:
    lines = [
        f"Évaluation de {slot.candidacy.candidate.full_name}",
        f"Épreuve {slot.assessment.code} — {slot.assessment.title}",
        f"Session : {slot.session.title}",
    ]
    if slot.measures:
        lines.append("Aménagements : " + " ; ".join(slot.measures))
    return _slot_content(
        slot,
        summary=f"Jury {slot.assessment.code} — {slot.candidacy.candidate.full_name}",
        description="\n".join(lines),
    )


def juror_calendar(session: EvaluationSession, juror: JurorProfile) -> bytes:
    """The juror's calendar file for a session: one event per slot they assess (a constant
    number of queries whatever the number of slots)."""
    calendar = _calendar(f"Jury — {session.title}")
    slots = juror_slots(session, juror)
    contents = {juror_uid(slot, juror): _juror_slot_content(slot) for slot in slots}
    day = _uid("jury-session", session.pk, juror.pk)
    if not slots or CalendarEvent.objects.filter(uid=day).exists():
        # A panel member with no candidate yet gets the session day itself; once they have
        # candidates, the day they may hold is marked cancelled (its slots replace it).
        contents[day] = dict(
            dtstart=session.date,
            summary=f"Jury d'évaluation — {session.title}",
            location=where(session),
            description="Aucun candidat ne vous est encore attribué.",
            status="CANCELLED" if slots else "CONFIRMED",
        )
    for event in _events(_organizer(session.certifier), contents):
        calendar.add_component(event)
    return _finish(calendar)


def juror_cancellation(slot: Slot, juror: JurorProfile) -> bytes:
    """A juror's cancellation of one slot they assess (METHOD CANCEL)."""
    slot.measures = accommodation_measures(slot.candidacy)
    calendar = _calendar(f"Jury — {slot.session.title}", "CANCEL")
    event = _juror_slot_event(slot, juror)
    event.add("attendee", vCalAddress(f"mailto:{juror.user.email}"))
    calendar.add_component(event)
    return _finish(calendar)


# --- sending -------------------------------------------------------------------------------


@dataclass
class ConvocationSummary:
    candidates: int = 0
    jurors: int = 0
    updated_jurors: int = 0
    without_email: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return self.candidates + self.jurors + self.updated_jurors

    def message(self) -> str:
        """The summary in French, for the exam manager."""
        if not self.sent and not self.without_email and not self.failed:
            return "Aucune convocation à envoyer : toutes ont déjà été envoyées."
        parts = [
            f"Convocations envoyées : {self.candidates} candidat(s), "
            f"{self.jurors} membre(s) du jury"
            + (
                f", {self.updated_jurors} mise(s) à jour pour le jury"
                if self.updated_jurors
                else ""
            )
            + "."
        ]
        if self.without_email:
            parts.append(
                "Sans adresse électronique, non convoqué(s) : "
                + ", ".join(self.without_email)
                + " (imprimez leur convocation depuis la page du créneau)."
            )
        if self.failed:
            parts.append("Envoi impossible, à refaire : " + ", ".join(self.failed) + ".")
        return " ".join(parts)


def _absolute(name: str, *args) -> str:
    return public_url(reverse(name, args=args))


def _send(
    subject: str,
    template: str,
    context: dict,
    to: str,
    ics: bytes,
    method: str = "PUBLISH",
    *,
    session,
    candidacy=None,
    actor=None,
) -> bool:
    """Send and log (acquis.emails); False when it failed: not marked convoked, the next
    call retries it."""
    name = "annulation.ics" if method == "CANCEL" else "convocation.ics"
    kind = EmailKind.CONVOCATION_CANCELLED if method == "CANCEL" else EmailKind.CONVOCATION
    log = send_email(
        kind=kind,
        to=to,
        subject=subject,
        body=render_to_string(template, context),
        session=session,
        candidacy=candidacy,
        certifier=session.certifier,
        attachments=[(name, ics, ICS_MIMETYPE.replace("PUBLISH", method))],
        actor=actor,
    )
    return log.status == EmailStatus.SENT


def _candidate_email(candidate) -> str:
    if candidate.email:
        return candidate.email
    user = candidate.user
    return user.email if user is not None else ""


def _convoke_slot(
    slot: Slot, summary: ConvocationSummary, now, actor, *, reason: str | None = None
) -> bool:
    """Email the candidate's convocation; with `reason`, the modified one (same calendar
    event, its SEQUENCE one higher since its content changed)."""
    candidate = slot.candidacy.candidate
    email = _candidate_email(candidate)
    if not email:
        summary.without_email.append(f"{candidate.full_name} ({slot.assessment.code})")
        return False
    context = {
        "convocation": slot_convocation(slot),
        "url": _absolute("candidate:convocation", slot.pk),
        "changed": reason is not None,
        "reason": reason,
    }
    subject = (
        ("Convocation modifiée" if reason is not None else "Convocation")
        + f" : épreuve {slot.assessment.code} le "
        f"{timezone.localtime(slot.starts_at, PARIS):%d/%m/%Y à %H:%M}"
    )
    ics = slot_calendar(slot)
    sent = _send(
        subject,
        "emails/convocation_candidate.txt",
        context,
        email,
        ics,
        session=slot.session,
        candidacy=slot.candidacy,
        actor=actor,
    )
    if not sent:
        summary.failed.append(f"{candidate.full_name} ({slot.assessment.code})")
        return False
    slot.convoked_at = now
    slot.save(update_fields=["convoked_at"])
    payload: dict[str, object] = {"session": slot.session_id}
    if reason is not None:
        payload["reason"] = reason
    record_event("slot.convoked", slot, actor=actor, payload=payload)
    summary.candidates += 1
    return True


def _convoke_juror(
    member: PanelMember, summary, now, actor, *, update: bool, reason: str | None = None
) -> None:
    session, juror = member.session, member.juror
    convocation = juror_convocation(session, juror)
    context = {
        "convocation": convocation,
        "update": update,
        "changed": reason is not None,
        "reason": reason,
        "url": _absolute("jury:convocation", session.pk),
    }
    heading = "Convocation mise à jour" if update else "Convocation"
    subject = ("Convocation modifiée" if reason is not None else heading) + (
        f" : jury d'évaluation du {session.date:%d/%m/%Y}"
    )
    ics = juror_calendar(session, juror)
    template = "emails/convocation_juror.txt"
    if not _send(subject, template, context, juror.user.email, ics, session=session, actor=actor):
        summary.failed.append(str(juror))
        return
    member.convoked_at = now
    member.save(update_fields=["convoked_at"])
    record_event(
        "session.juror_convoked",
        session,
        actor=actor,
        payload={"juror": juror.pk, "update": update, "slots": [s.pk for s in convocation.slots]},
    )
    if update:
        summary.updated_jurors += 1
    else:
        summary.jurors += 1


def late_warning(session: EvaluationSession, *, today) -> str | None:
    """Why convoking now is late: the deliverables deadline has passed on `today`, so the
    candidates convoked now cannot deposit their deliverables in time. None otherwise."""
    due = session.deliverables_due_at
    if due is None or today is None or timezone.localtime(due, PARIS).date() >= today:
        return None
    if not session.version.assessments.filter(deliverables__isnull=False).exists():
        return None
    return (
        "La date limite de dépôt des livrables "
        f"({timezone.localtime(due, PARIS):%d/%m/%Y à %H:%M}) est passée (nous sommes le "
        f"{today:%d/%m/%Y}, session du {session.date:%d/%m/%Y}) : les candidats convoqués "
        "maintenant ne pourront plus déposer leurs livrables à temps."
    )


@transaction.atomic
def send_convocations(
    session: EvaluationSession, *, actor, today=None, late_confirmed: bool = False
) -> ConvocationSummary:
    """Email every candidate and panel member not yet convoked (the panel must be confirmed).

    Jurors already convoked who assess a slot convoked now get an updated convocation.
    A candidate without email address is named in the summary and stays not convoked.
    With `today` (the web screen passes it), convoking after the deliverables deadline
    needs `late_confirmed` (the person saw the warning and confirmed); it is audited.
    """
    session = (
        EvaluationSession.objects.select_for_update()
        .select_related("version", "certifier")
        .get(pk=session.pk)
    )
    if session.status not in CONVOCABLE_SESSION_STATUSES:
        raise EvaluationError(
            "Convocations non envoyées : le jury de la session doit d'abord être confirmé "
            f"(session « {session.get_status_display()} »)."
        )
    late = late_warning(session, today=today)
    if late and not late_confirmed:
        raise EvaluationError("Convocations non envoyées : " + late + " Confirmez l'envoi.")
    if late:
        record_event(
            "session.late_convocations_confirmed",
            session,
            actor=actor,
            payload={"today": today.isoformat(), "warning": late},
        )
    now, summary = timezone.now(), ConvocationSummary()
    slots = (
        session.slots.filter(status=SlotStatus.SCHEDULED, convoked_at__isnull=True)
        .select_related(*SLOT_RELATED, "candidacy__candidate__user")
        .order_by("starts_at", "pk")
    )
    convoked = [slot.pk for slot in slots if _convoke_slot(slot, summary, now, actor)]
    members = session.panel.select_related("juror__user").order_by("pk")
    updated = set(
        Slot.objects.filter(pk__in=convoked).values_list("assessor_links__juror", flat=True)
    )
    for member in members:
        member.session = session
        if member.convoked_at is None:
            _convoke_juror(member, summary, now, actor, update=False)
        elif member.juror_id in updated:
            _convoke_juror(member, summary, now, actor, update=True)
    return summary


@transaction.atomic
def resend(
    session: EvaluationSession, slots=None, *, reason: str, actor, removed=()
) -> ConvocationSummary:
    """After a change once convoked: the modified convocation to every candidate already
    convoked to `slots` (all the session's slots when None) and to every panel member
    already convoked who assesses one of them (all of them for the whole session); an
    assessor taken off a slot (`removed`: juror ids) gets its cancellation. Each calendar
    event keeps its UID and gets a SEQUENCE one higher, its content having changed."""
    session = EvaluationSession.objects.select_related("version", "certifier").get(pk=session.pk)
    now, summary = timezone.now(), ConvocationSummary()
    whole = slots is None
    chosen = session.slots.filter(status=SlotStatus.SCHEDULED, convoked_at__isnull=False)
    if not whole:
        chosen = chosen.filter(pk__in=[slot.pk for slot in slots])
    chosen = list(  # type: ignore[assignment]  # the rows, read once
        chosen.select_related(*SLOT_RELATED, "candidacy__candidate__user").order_by(
            "starts_at", "pk"
        )
    )
    # A candidate who confirmed the former convocation must confirm the new one.
    cleared = []
    for slot in chosen:
        if slot.presence_confirmed_at is not None:
            confirmed_at = timezone.localtime(slot.presence_confirmed_at, PARIS).isoformat()
            record_event(
                "slot.presence_confirmation_cleared",
                slot,
                actor=actor,
                payload={"confirmed_at": confirmed_at, "reason": reason},
            )
            slot.presence_confirmed_at = None
            cleared.append(slot.pk)
    if cleared:
        Slot.objects.filter(pk__in=cleared).update(presence_confirmed_at=None, updated_at=now)
    for slot in chosen:
        _convoke_slot(slot, summary, now, actor, reason=reason)
    members = session.panel.filter(convoked_at__isnull=False).select_related("juror__user")
    if not whole:
        members = members.filter(juror__in=[j for s in chosen for j in s.assessors.all()])
    for member in members.distinct().order_by("pk"):
        member.session = session
        _convoke_juror(member, summary, now, actor, update=True, reason=reason)
    for juror in JurorProfile.objects.filter(pk__in=list(removed)).select_related("user"):
        for slot in chosen:
            ics = _removed_juror_calendar(slot, juror)
            context = {
                "slot": slot,
                "starts_at": timezone.localtime(slot.starts_at, PARIS),
                "where": where(slot),
                "reason": reason,
                "contact": contact_for(session.certifier),
                "first_name": juror.user.first_name,
                "juror": True,
            }
            subject = f"Annulation : évaluation {slot.assessment.code} du {session.date:%d/%m/%Y}"
            if _send(
                subject,
                "emails/convocation_cancelled.txt",
                context,
                juror.user.email,
                ics,
                "CANCEL",
                session=session,
                actor=actor,
            ):
                summary.updated_jurors += 1
            else:
                summary.failed.append(str(juror))
    record_event(
        "session.convocations_resent",
        session,
        actor=actor,
        payload={
            "reason": reason,
            "slots": [slot.pk for slot in chosen],
            "candidates": summary.candidates,
            "jurors": summary.updated_jurors,
            "failed": summary.failed,
        },
    )
    return summary


def _removed_juror_calendar(slot: Slot, juror: JurorProfile) -> bytes:
    """A juror's cancellation of a slot they no longer assess (the slot itself stays)."""
    slot.measures = accommodation_measures(slot.candidacy)
    calendar = _calendar(f"Jury — {slot.session.title}", "CANCEL")
    content = _juror_slot_content(slot) | {"status": "CANCELLED"}
    event = _event(juror_uid(slot, juror), _organizer(slot.session.certifier), **content)
    event.add("attendee", vCalAddress(f"mailto:{juror.user.email}"))
    calendar.add_component(event)
    return _finish(calendar)


def notify_cancellation(slot: Slot, *, reason: str, actor) -> int:
    """Tell those convoked to a slot that it is cancelled, with the calendar cancellation
    (METHOD CANCEL) that removes the event from their calendar: the candidate if convoked,
    and each assessor already convoked. The number of emails sent."""
    slot = Slot.objects.select_related(*SLOT_RELATED, "candidacy__candidate__user").get(pk=slot.pk)
    starts_at = timezone.localtime(slot.starts_at, PARIS)
    context = {
        "slot": slot,
        "starts_at": starts_at,
        "where": where(slot),
        "reason": reason,
        "contact": contact_for(slot.session.certifier),
    }
    subject = f"Annulation : épreuve {slot.assessment.code} du {starts_at:%d/%m/%Y à %H:%M}"
    template = "emails/convocation_cancelled.txt"
    sent = []
    email = _candidate_email(slot.candidacy.candidate)
    if slot.convoked_at is not None and email:
        first_name = slot.candidacy.candidate.first_name
        if _send(
            subject,
            template,
            context | {"first_name": first_name},
            email,
            slot_calendar(slot),
            "CANCEL",
            session=slot.session,
            candidacy=slot.candidacy,
            actor=actor,
        ):
            sent.append(email)
    convoked = PanelMember.objects.filter(
        session=slot.session, convoked_at__isnull=False, juror__in=slot.assessors.all()
    ).select_related("juror__user")
    for member in convoked:
        juror = member.juror
        juror_context = context | {"first_name": juror.user.first_name, "juror": True}
        ics = juror_cancellation(slot, juror)
        if _send(
            subject,
            template,
            juror_context,
            juror.user.email,
            ics,
            "CANCEL",
            session=slot.session,
            actor=actor,
        ):
            sent.append(juror.user.email)
    if sent:
        record_event("slot.cancellation_sent", slot, actor=actor, payload={"recipients": len(sent)})
    return len(sent)


# --- the candidate's confirmation ------------------------------------------------------------


@transaction.atomic
def confirm_presence(slot: Slot, *, actor, now=None) -> bool:
    """The candidate confirms she will attend the sitting of her convocation. True when
    recorded now, False when already confirmed (nothing written: idempotent). Refused for a
    slot not convoked, no longer scheduled (cancelled, absent...) or whose sitting has begun."""
    now = now or timezone.now()
    slot = Slot.objects.select_for_update().select_related("session").get(pk=slot.pk)
    if slot.convoked_at is None:
        raise EvaluationError("Présence non confirmée : vous n'êtes pas encore convoqué(e).")
    if slot.status != SlotStatus.SCHEDULED or slot.session.status == SessionStatus.CANCELLED:
        raise EvaluationError("Présence non confirmée : cette épreuve est annulée ou terminée.")
    if slot.starts_at <= now:
        raise EvaluationError("Présence non confirmée : l'épreuve a déjà commencé ou est passée.")
    if slot.presence_confirmed_at is not None:
        return False
    slot.presence_confirmed_at = now
    slot.save(update_fields=["presence_confirmed_at"])
    record_event(
        "slot.presence_confirmed",
        slot,
        actor=actor,
        payload={
            "session": slot.session_id,
            "starts_at": timezone.localtime(slot.starts_at, PARIS).isoformat(),
        },
    )
    return True
