"""Convocations of a session's candidates and jurors: email, printable page, calendar file.

Domain practice (domain.md, "What certifiers also expect"): each candidate gets a
convocation per slot, each panel member one per session, by email with a calendar file
(ICS, RFC 5545) and a link to the printable page. `convoked_at` records that the email was
handed to the mail server: a second call sends only what is new (a slot added later, and an
updated convocation to the jurors who assess it), so it can be repeated safely.
"""

import smtplib
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from acquis.audit.services import record_event
from acquis.candidates.enums import AccommodationKind
from acquis.evaluations.enums import SessionStatus, SlotStatus
from acquis.evaluations.exceptions import EvaluationError
from acquis.evaluations.models import EvaluationSession, JurorProfile, PanelMember, Slot
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


def accommodation_measures(candidacy) -> list[str]:
    """The candidacy's active accommodations, as measures."""
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


# --- calendar files (RFC 5545) ---------------------------------------------------------------


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Acquis//Convocations//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _slot_event(slot: Slot, *, summary: str, description: str) -> Event:
    event = Event()
    event.add("uid", f"slot-{slot.pk}@acquis")  # stable: a new file updates the same event
    event.add("dtstamp", timezone.now())
    event.add("dtstart", timezone.localtime(slot.starts_at, PARIS))
    event.add("dtend", timezone.localtime(slot.ends_at, PARIS))  # extra time included
    event.add("summary", summary)
    event.add("location", where(slot))
    event.add("description", description)
    event.add("status", "CANCELLED" if slot.status == SlotStatus.CANCELLED else "CONFIRMED")
    return event


def _finish(calendar: Calendar) -> bytes:
    calendar.add_missing_timezones()  # VTIMEZONE for Europe/Paris
    return calendar.to_ical()


def slot_calendar(slot: Slot) -> bytes:
    """The candidate's calendar file for one slot."""
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
    calendar = _calendar(f"Convocation {slot.assessment.code}")
    calendar.add_component(
        _slot_event(
            slot,
            summary=f"Épreuve {slot.assessment.code} — {slot.assessment.title}",
            description="\n".join(lines),
        )
    )
    return _finish(calendar)


def juror_calendar(session: EvaluationSession, juror: JurorProfile) -> bytes:
    """The juror's calendar file for a session: one event per slot they assess."""
    calendar = _calendar(f"Jury — {session.title}")
    slots = juror_slots(session, juror)
    for slot in slots:
        lines = [
            f"Évaluation de {slot.candidacy.candidate.full_name}",
            f"Épreuve {slot.assessment.code} — {slot.assessment.title}",
            f"Session : {session.title}",
        ]
        if slot.measures:
            lines.append("Aménagements : " + " ; ".join(slot.measures))
        calendar.add_component(
            _slot_event(
                slot,
                summary=f"Jury {slot.assessment.code} — {slot.candidacy.candidate.full_name}",
                description="\n".join(lines),
            )
        )
    if not slots:  # a panel member with no candidate yet: the session day itself
        event = Event()
        event.add("uid", f"session-{session.pk}-juror-{juror.pk}@acquis")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", session.date)
        event.add("summary", f"Jury d'évaluation — {session.title}")
        event.add("location", where(session))
        event.add("description", "Aucun candidat ne vous est encore attribué.")
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


def _send(subject: str, template: str, context: dict, to: str, ics: bytes) -> bool:
    message = EmailMessage(subject, render_to_string(template, context), None, [to])
    message.attach("convocation.ics", ics, ICS_MIMETYPE)
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        return False  # not marked convoked: the next call retries it
    return True


def _candidate_email(candidate) -> str:
    if candidate.email:
        return candidate.email
    user = candidate.user
    return user.email if user is not None else ""


def _convoke_slot(slot: Slot, summary: ConvocationSummary, now, actor) -> bool:
    candidate = slot.candidacy.candidate
    email = _candidate_email(candidate)
    if not email:
        summary.without_email.append(f"{candidate.full_name} ({slot.assessment.code})")
        return False
    context = {
        "convocation": slot_convocation(slot),
        "url": _absolute("candidate_convocation", slot.pk),
    }
    subject = (
        f"Convocation : épreuve {slot.assessment.code} le "
        f"{timezone.localtime(slot.starts_at, PARIS):%d/%m/%Y à %H:%M}"
    )
    ics = slot_calendar(slot)
    if not _send(subject, "www/emails/convocation_candidate.txt", context, email, ics):
        summary.failed.append(f"{candidate.full_name} ({slot.assessment.code})")
        return False
    slot.convoked_at = now
    slot.save(update_fields=["convoked_at"])
    record_event("slot.convoked", slot, actor=actor, payload={"session": slot.session_id})
    summary.candidates += 1
    return True


def _convoke_juror(member: PanelMember, summary, now, actor, *, update: bool) -> None:
    session, juror = member.session, member.juror
    convocation = juror_convocation(session, juror)
    context = {
        "convocation": convocation,
        "update": update,
        "url": _absolute("jury_convocation", session.pk),
    }
    subject = ("Convocation mise à jour" if update else "Convocation") + (
        f" : jury d'évaluation du {session.date:%d/%m/%Y}"
    )
    ics = juror_calendar(session, juror)
    if not _send(subject, "www/emails/convocation_juror.txt", context, juror.user.email, ics):
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


@transaction.atomic
def send_convocations(session: EvaluationSession, *, actor) -> ConvocationSummary:
    """Email every candidate and panel member not yet convoked (the panel must be confirmed).

    Jurors already convoked who assess a slot convoked now get an updated convocation.
    A candidate without email address is named in the summary and stays not convoked.
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
