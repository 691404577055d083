"""Verbs of a session's timetable: slots, who assesses each, opening and closing.

A slot is one candidate convoked to one sitting (assessment) at a given time. Its assessors
are the panel members with no link to the candidate (conflicts.conflicts); they are set
when the panel is confirmed (or when a slot is added to a confirmed panel), and the panel
cannot be confirmed while a slot has no lawful assessor or a juror would be in two places.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from acquis.audit.services import record_event
from acquis.candidates.enums import (
    AccommodationKind,
    CandidacyStatus,
    Pathway,
    ValidationFileDecision,
)
from acquis.candidates.services import memoir_summary
from acquis.evaluations import bookings, conflicts, eligibility
from acquis.evaluations.enums import (
    RECONVOCABLE_SLOT_STATUSES,
    SLOT_TRANSITIONS,
    PanelRule,
    SessionStatus,
    SlotStatus,
)
from acquis.evaluations.exceptions import EvaluationError
from acquis.evaluations.models import EvaluationSession, Slot, SlotAssessor
from acquis.evaluations.session_workflow import move_session
from acquis.workflow import Workflow

# A candidacy can be convoked while it is being assessed (training started, VAE admissible).
CONVOCABLE_CANDIDACY_STATUSES = (
    CandidacyStatus.IN_PROGRESS,
    CandidacyStatus.VALIDATION_FILE_SUBMITTED,
    CandidacyStatus.AWAITING_JURY,
)
# Slots can be added or cancelled until the session opens.
EDITABLE_SESSION_STATUSES = (SessionStatus.PLANNED, SessionStatus.PANEL_CONFIRMED)


def default_deliverables_due(on, rules: dict | None = None) -> datetime:
    """Default deadline of the preparatory deliverables (Paris time): the referential's
    `deliverables_deadline` (the certifier's practice), else two days before at 23:59."""
    deadline = (rules or {}).get("deliverables_deadline") or {}
    days = deadline.get("days_before", 2)
    hours, minutes = (int(x) for x in (deadline.get("time") or "23:59").split(":"))
    day = on - timedelta(days=days)
    return datetime.combine(day, time(hours, minutes), tzinfo=timezone.get_current_timezone())


def plan_parts(assessment, *, total=None, part_minutes=None) -> tuple[int, list[dict]]:
    """The sitting's planned duration and the minutes of each of its timed parts.

    A duration the referential fixes (the source's: "séquence de formation de 30 mn", "oral de
    30 mn") is never shortened; a part the source leaves open gets the rest of `total` (or its
    own entry in `part_minutes`). Accommodations add their extra time on top (Slot.ends_at).
    """
    part_minutes = part_minutes or {}
    if not assessment.parts:
        return _plain_duration(assessment, total), []
    planned = []
    for part in assessment.parts:
        fixed = part.get("duration_minutes")
        given = part_minutes.get(part["code"])
        if given is not None and fixed and given < fixed:
            raise EvaluationError(
                f"Durée de « {part['title']} » : {given} minutes, moins que les {fixed} "
                f"minutes fixées par le référentiel ; elle ne peut pas être raccourcie."
            )
        planned.append(
            {
                "code": part["code"],
                "title": part["title"],
                "minutes": given or fixed,
                "fixed": fixed,
            }
        )
    known = sum(p["minutes"] for p in planned if p["minutes"])
    open_parts = [p for p in planned if not p["minutes"]]
    if not open_parts:
        if total is not None and total != known:
            raise EvaluationError(
                f"Durée : l'épreuve {assessment.code} dure {known} minutes, la somme de ses "
                f"parties ({_parts_text(planned)}) ; indiquez {known} minutes ou laissez vide."
            )
        return known, planned
    if total is None or len(open_parts) > 1:
        titles = " et ".join(f"« {p['title']} »" for p in open_parts)
        raise EvaluationError(
            f"Durée : le référentiel ne fixe pas la durée de {titles} (épreuve "
            f"{assessment.code}) ; indiquez la durée totale de l'épreuve, plus de {known} "
            f"minutes ({_parts_text(planned)})."
        )
    if total <= known:
        raise EvaluationError(
            f"Durée : {total} minutes ne laissent aucun temps pour « {open_parts[0]['title']} » "
            f"après {_parts_text(planned)} ; une durée fixée par le référentiel ne se raccourcit "
            f"pas : indiquez plus de {known} minutes."
        )
    open_parts[0]["minutes"] = total - known
    return total, planned


def _parts_text(planned) -> str:
    fixed = [p for p in planned if p["fixed"]]
    return ", ".join(f"« {p['title']} » : {p['fixed']} minutes fixées" for p in fixed)


def _plain_duration(assessment, total) -> int:
    fixed = assessment.duration_minutes
    duration = total or fixed
    if not duration:
        raise EvaluationError(
            f"Durée : le référentiel ne fixe pas la durée de l'épreuve {assessment.code}, "
            "indiquez-la."
        )
    if fixed and duration < fixed:
        raise EvaluationError(
            f"Durée : {duration} minutes, moins que les {fixed} minutes que le référentiel fixe "
            f"pour l'épreuve {assessment.code} ; une durée fixée ne se raccourcit pas (un "
            "aménagement ajoute du temps, il n'en retire jamais)."
        )
    return duration


def extra_minutes_for(candidacy) -> int:
    """Extra time granted by the candidacy's active accommodations."""
    total = candidacy.accommodations.filter(
        kind=AccommodationKind.EXTRA_TIME, withdrawn_at__isnull=True
    ).aggregate(total=Sum("extra_minutes"))["total"]
    return total or 0


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


def _when(slot) -> str:
    start = timezone.localtime(slot.starts_at)
    end = timezone.localtime(slot.ends_at)
    return f"le {start:%d/%m/%Y} de {start:%H:%M} à {end:%H:%M}"


def _check_assessment(session, assessment, candidacy):
    if assessment.version_id != session.version_id:
        raise EvaluationError("Épreuve : elle n'appartient pas au référentiel de la session.")
    if candidacy.version_id != session.version_id:
        raise EvaluationError(
            f"{candidacy.candidate} est inscrit(e) sur une autre version du référentiel."
        )
    if candidacy.candidate.certifier_id != session.certifier_id:
        raise EvaluationError("Candidature inconnue de ce certificateur.")
    if candidacy.status not in CONVOCABLE_CANDIDACY_STATUSES:
        raise EvaluationError(
            f"{candidacy.candidate} ne peut pas être convoqué(e) : candidature "
            f"« {candidacy.get_status_display()} »."
        )
    pathways = set(assessment.pathways or [])
    pathway = Pathway.TRAINING if candidacy.pathway == Pathway.FREE else candidacy.pathway
    if pathways and pathway not in pathways:
        raise EvaluationError(
            f"L'épreuve {assessment.code} ne concerne pas la voie "
            f"« {candidacy.get_pathway_display()} »."
        )
    if not assessment.final:
        covered = set(assessment.competencies.values_list("block_id", flat=True))
        chosen = set(candidacy.blocks.values_list("pk", flat=True))
        if covered and not covered & chosen:
            raise EvaluationError(
                f"L'épreuve {assessment.code} évalue des blocs auxquels "
                f"{candidacy.candidate} n'est pas inscrit(e)."
            )
    _check_oral_prerequisites(session, assessment, candidacy)


def _check_oral_prerequisites(session, assessment, candidacy) -> None:
    """The two orals come after their written piece (rules 3 and 5 of the referential):
    the memoir oral needs the memoir with every required part confirmed by the staff ("Ce
    mémoire est présenté lors d'un oral de 30 mn"); the VAE oral needs the validation file
    declared complete ("La présentation du dossier de validation dans un oral de 30 mn")."""
    rules = session.version.rules or {}
    memoir_oral = ((rules.get("training") or {}).get("memoir") or {}).get("oral_assessment")
    vae_oral = (rules.get("vae") or {}).get("oral_assessment")
    if assessment.code == memoir_oral:
        summary = memoir_summary(candidacy)
        if not summary["memoir"] or not summary["memoir"].document_id:
            raise EvaluationError(
                f"Oral du mémoire ({assessment.code}) : le mémoire de {candidacy.candidate} "
                "n'est pas déposé."
            )
        if not summary["ready_for_oral"]:
            raise EvaluationError(
                f"Oral du mémoire ({assessment.code}) : les parties du mémoire de "
                f"{candidacy.candidate} ne sont pas toutes confirmées (à confirmer : "
                f"{', '.join(summary['missing'])})."
            )
    if assessment.code == vae_oral:
        latest = candidacy.validation_files.order_by("submitted_at", "pk").last()
        if latest is None or latest.decision != ValidationFileDecision.COMPLETE:
            raise EvaluationError(
                f"Oral VAE ({assessment.code}) : le dossier de validation de "
                f"{candidacy.candidate} n'a pas été déclaré complet ; l'oral le présente et "
                "vient après lui."
            )


@transaction.atomic
def add_slot(
    session: EvaluationSession,
    *,
    assessment,
    candidacy,
    starts_at: datetime,
    duration_minutes: int | None = None,
    part_minutes: dict[str, int] | None = None,
    room: str = "",
    assessors=None,
    actor=None,
) -> Slot:
    """Convoke a candidacy to a sitting of the session at a given time (`duration_minutes`:
    the whole sitting; its timed parts are planned by `plan_parts`). `assessors`: the panel
    members who assess it, chosen by hand; by default every panel member with no link to
    the candidate. Neither a juror nor the room may be booked twice at the same time."""
    session = EvaluationSession.objects.select_for_update().get(pk=session.pk)
    if session.status not in EDITABLE_SESSION_STATUSES:
        raise EvaluationError(
            f"Créneau non ajouté : la session est « {session.get_status_display()} »."
        )
    _check_assessment(session, assessment, candidacy)
    if timezone.localtime(starts_at).date() != session.date:
        raise EvaluationError(
            f"Heure de début : le créneau doit être le jour de la session "
            f"({session.date:%d/%m/%Y})."
        )
    duration, parts = plan_parts(assessment, total=duration_minutes, part_minutes=part_minutes)
    if duration > 480:
        raise EvaluationError("Durée : au plus 480 minutes.")
    earlier = (
        Slot.objects.filter(candidacy=candidacy, assessment__code=assessment.code)
        .exclude(status__in=RECONVOCABLE_SLOT_STATUSES)
        .select_related("session")
        .first()
    )
    if earlier is not None:
        raise EvaluationError(
            f"{candidacy.candidate} est déjà convoqué(e) à l'épreuve {assessment.code} "
            f"(session du {earlier.session.date:%d/%m/%Y}, "
            f"« {earlier.get_status_display()} »)."
        )
    slot = Slot(
        session=session,
        assessment=assessment,
        candidacy=candidacy,
        starts_at=starts_at,
        duration_minutes=duration,
        parts=parts,
        extra_minutes=extra_minutes_for(candidacy),
        room=room.strip(),
    )
    for other in Slot.objects.filter(
        candidacy=candidacy, status=SlotStatus.SCHEDULED, session__date=session.date
    ).select_related("assessment"):
        if _overlaps(slot.starts_at, slot.ends_at, other.starts_at, other.ends_at):
            raise EvaluationError(
                f"Chevauchement : {candidacy.candidate} passe déjà l'épreuve "
                f"{other.assessment.code} {_when(other)}."
            )
    chosen = _chosen_assessors(session, candidacy, assessors)
    _refuse_clashes(session, slot, chosen, firm=bool(chosen))
    slot.assessors_chosen = bool(chosen)
    slot.save()
    if chosen:
        SlotAssessor.objects.bulk_create([SlotAssessor(slot=slot, juror=j) for j in chosen])
    if session.status == SessionStatus.PANEL_CONFIRMED:
        problems = _assign(session, [slot])
        if problems:
            raise EvaluationError("Créneau non ajouté.", problems)
    record_event(
        "slot.scheduled",
        slot,
        actor=actor,
        to_state=slot.status,
        payload={
            "session": session.pk,
            "assessment": assessment.code,
            "candidacy": candidacy.pk,
            "starts_at": slot.starts_at.isoformat(),
            "minutes": duration,
            "parts": {part["code"]: part["minutes"] for part in parts},
            "extra_minutes": slot.extra_minutes,
            "room": slot.room,
            "assessors": [j.pk for j in chosen],
        },
    )
    return slot


def _chosen_assessors(session, candidacy, assessors) -> list:
    """The assessors chosen by hand, checked: panel members with no link to the candidate."""

    if not assessors:
        return []
    chosen = list(dict.fromkeys(assessors))
    on_panel = set(session.panel.values_list("juror_id", flat=True))
    for juror in chosen:
        if juror.pk not in on_panel:
            raise EvaluationError(
                f"Évaluateurs : {juror} ne fait pas partie du jury de la session.",
                field="assessors",
            )
    linked = conflicts.conflicts([conflicts.person_of(j) for j in chosen], [candidacy])
    if linked:
        raise EvaluationError(
            "Évaluateurs : " + " ".join(sorted(linked.values())), field="assessors"
        )
    return chosen


def _refuse_clashes(session, slot, jurors, *, firm: bool, exclude_ids=()) -> None:
    """Refuse a juror or a room booked twice (any session of the certifier). Without jurors
    chosen, a confirmed panel's assessors are checked once assigned (`_assign`)."""

    check_jurors = bool(jurors) or session.status == SessionStatus.PLANNED

    names = {j.pk: str(j) for j in jurors} if jurors else bookings.panel_names(session)
    sitting = bookings.Sitting(
        session=session,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        jurors=names,
        room=slot.room,
        slot_id=slot.pk,
        firm=firm or session.status != SessionStatus.PLANNED,
    )
    found = bookings.clashes(
        session.certifier_id, [sitting], exclude_ids=exclude_ids, jurors=check_jurors
    )
    if found:
        raise EvaluationError("Double réservation : " + " ".join(found))


def _audit_value(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value


@transaction.atomic
def update_slot(
    slot: Slot,
    *,
    starts_at: datetime,
    duration_minutes: int | None = None,
    room: str = "",
    assessors=None,
    reason: str = "",
    actor=None,
) -> Slot:
    """Change a slot's time, duration, room and assessors until the session opens.

    Neither a juror nor the room may then be booked twice (any session of the certifier).
    Once the candidate was convoked, a reason is required and everyone convoked to the slot
    (the candidate, its assessors) gets the updated convocation, its calendar event kept
    (same UID) with its SEQUENCE one higher; an assessor taken off gets a cancellation.
    """

    slot = (
        Slot.objects.select_for_update()
        .select_related("session__version", "assessment", "candidacy__candidate")
        .get(pk=slot.pk)
    )
    session = slot.session
    if session.status not in EDITABLE_SESSION_STATUSES or slot.status != SlotStatus.SCHEDULED:
        raise EvaluationError(
            f"Créneau non modifié : la session est « {session.get_status_display()} », le "
            f"créneau « {slot.get_status_display()} »."
        )
    reason = (reason or "").strip()
    if slot.convoked_at is not None and not reason:
        raise EvaluationError(
            "Motif : la convocation est envoyée ; indiquez pourquoi le créneau change (il "
            "figure dans la convocation mise à jour).",
            field="reason",
        )
    if timezone.localtime(starts_at).date() != session.date:
        raise EvaluationError(
            f"Heure de début : le créneau doit être le jour de la session "
            f"({session.date:%d/%m/%Y}).",
            field="start",
        )
    duration, parts = plan_parts(slot.assessment, total=duration_minutes)
    if duration > 480:
        raise EvaluationError("Durée : au plus 480 minutes.", field="duration_minutes")
    before = {
        "starts_at": slot.starts_at,
        "duration_minutes": slot.duration_minutes,
        "room": slot.room,
        "assessors": sorted(slot.assessor_links.values_list("juror_id", flat=True)),
    }
    slot.starts_at, slot.duration_minutes, slot.parts = starts_at, duration, parts
    slot.room = (room or "").strip()
    for other in (
        Slot.objects.filter(candidacy=slot.candidacy, status=SlotStatus.SCHEDULED)
        .exclude(pk=slot.pk)
        .select_related("assessment")
    ):
        if _overlaps(slot.starts_at, slot.ends_at, other.starts_at, other.ends_at):
            raise EvaluationError(
                f"Chevauchement : {slot.candidacy.candidate} passe déjà l'épreuve "
                f"{other.assessment.code} {_when(other)}.",
                field="start",
            )
    chosen = _chosen_assessors(session, slot.candidacy, assessors)
    if chosen:
        jurors = chosen
    else:
        jurors = [link.juror for link in slot.assessor_links.select_related("juror__user")]
    _refuse_clashes(session, slot, jurors, firm=bool(jurors), exclude_ids=[slot.pk])
    if chosen:
        SlotAssessor.objects.filter(slot=slot).delete()
        SlotAssessor.objects.bulk_create([SlotAssessor(slot=slot, juror=j) for j in chosen])
        slot.assessors_chosen = True
    slot.save(update_fields=["starts_at", "duration_minutes", "parts", "room", "assessors_chosen"])
    if session.status == SessionStatus.PANEL_CONFIRMED:
        problems = _assign(session, [slot])
        if problems:
            raise EvaluationError("Créneau non modifié.", problems)
    after = {
        "starts_at": slot.starts_at,
        "duration_minutes": slot.duration_minutes,
        "room": slot.room,
        "assessors": sorted(slot.assessor_links.values_list("juror_id", flat=True)),
    }
    changes = {
        key: [_audit_value(before[key]), _audit_value(after[key])]
        for key in after
        if before[key] != after[key]
    }
    record_event("slot.updated", slot, actor=actor, payload={"changes": changes, "reason": reason})
    if slot.convoked_at is not None and changes:
        removed = set(before["assessors"]) - set(after["assessors"])  # type: ignore[call-overload]
        # start-up: convocations loads icalendar, kept out of every command's start.
        from acquis.evaluations import convocations

        convocations.resend(session, [slot], reason=reason, actor=actor, removed=removed)
    return slot


@dataclass(frozen=True)
class SlotProblem:
    rule: str
    message: str
    juror: object = None

    @property
    def rule_label(self) -> str:
        return PanelRule(self.rule).label


def _assign(session, slots) -> list[SlotProblem]:
    """(Re)compute the assessors of the given slots; the problems that forbid them.

    Each candidate is assessed as the source sets a panel: by the members with no link to
    them (conflicts.conflicts), among whom the certifier's representative and at least
    `min_professionals` professionals.
    """
    rules = eligibility.panel_rules(session.version)
    panel = [m.juror for m in session.panel.select_related("juror__user").order_by("pk")]
    problems: list[SlotProblem] = []
    chosen: dict[int, list] = {}
    for link in SlotAssessor.objects.filter(
        slot__in=[s for s in slots if s.assessors_chosen]
    ).select_related("juror__user"):
        chosen.setdefault(link.slot_id, []).append(link.juror)
    SlotAssessor.objects.filter(slot__in=[s for s in slots if not s.assessors_chosen]).delete()
    linked = conflicts.conflicts(
        [conflicts.person_of(juror) for juror in panel], [slot.candidacy for slot in slots]
    )
    links = []
    for slot in slots:
        candidacy = slot.candidacy
        if slot.assessors_chosen:
            # Chosen by hand: kept, and checked like the default ones.
            assessors = [
                j for j in chosen.get(slot.pk, []) if (j.user_id, candidacy.pk) not in linked
            ]
        else:
            assessors = [j for j in panel if (j.user_id, candidacy.pk) not in linked]
            links += [SlotAssessor(slot=slot, juror=j) for j in assessors]
        problems += _slot_problems(slot, assessors, rules)
    SlotAssessor.objects.bulk_create(links)
    problems += _juror_overlaps(session)
    problems += _other_session_clashes(session, slots)
    return problems


def _other_session_clashes(session, slots) -> list[SlotProblem]:
    """A juror or a room already booked at the same time in another session."""

    fresh = (
        Slot.objects.filter(pk__in=[s.pk for s in slots])
        .select_related("session")
        .prefetch_related("assessor_links__juror__user")
    )
    sittings = [bookings.sitting_of(slot) for slot in fresh]
    return [
        SlotProblem(PanelRule.OVERLAP, message)
        for message in bookings.clashes(session.certifier_id, sittings, within=False)
    ]


def _slot_problems(slot, assessors, rules) -> list[SlotProblem]:
    who = f"{slot.assessment.code} de {slot.candidacy.candidate} ({_when(slot)})"
    if not assessors:
        return [
            SlotProblem(
                PanelRule.SLOT_ASSESSOR, f"{who} : aucun membre du jury sans lien avec le candidat."
            )
        ]
    problems = []
    if rules.representative_required and not any(j.represents_certifier for j in assessors):
        problems.append(
            SlotProblem(
                PanelRule.SLOT_ASSESSOR,
                f"{who} : le représentant du certificateur a un lien avec le candidat ; ajoutez "
                "un autre représentant.",
            )
        )
    professionals = sum(1 for j in assessors if not j.represents_certifier)
    if professionals < rules.min_professionals:
        problems.append(
            SlotProblem(
                PanelRule.SLOT_ASSESSOR,
                f"{who} : {professionals} professionnel(s) du secteur sans lien avec le "
                f"candidat, {rules.min_professionals} exigé(s) en plus du représentant ; "
                "ajoutez un professionnel au jury.",
            )
        )
    return problems


def _juror_overlaps(session) -> list[SlotProblem]:
    """A juror cannot assess two slots at the same time."""
    by_juror: dict[int, list] = {}
    links = SlotAssessor.objects.filter(
        slot__session=session, slot__status=SlotStatus.SCHEDULED
    ).select_related("juror__user", "slot__assessment", "slot__candidacy__candidate")
    for link in links:
        by_juror.setdefault(link.juror_id, []).append(link)
    problems = []
    for items in by_juror.values():
        items.sort(key=lambda link: link.slot.starts_at)
        for first, second in zip(items, items[1:], strict=False):
            a, b = first.slot, second.slot
            if _overlaps(a.starts_at, a.ends_at, b.starts_at, b.ends_at):
                problems.append(
                    SlotProblem(
                        PanelRule.OVERLAP,
                        f"{first.juror} évaluerait en même temps {a.assessment.code} de "
                        f"{a.candidacy.candidate} ({_when(a)}) et {b.assessment.code} de "
                        f"{b.candidacy.candidate} ({_when(b)}).",
                        first.juror,
                    )
                )
    return problems


def assign_assessors(session: EvaluationSession) -> list[SlotProblem]:
    """Called by confirm_panel inside its transaction: assessors of every scheduled slot."""
    slots = list(
        session.slots.filter(status=SlotStatus.SCHEDULED).select_related(
            "assessment", "candidacy__candidate"
        )
    )
    return _assign(session, slots)


SLOT_WORKFLOW = Workflow(
    "slot.",
    SLOT_TRANSITIONS,
    EvaluationError,
    refusal=lambda slot, _to: (
        f"Action impossible : le créneau est « {slot.get_status_display()} »."
    ),
)


def move_slot(slot: Slot, to_status: str, *, actor, payload=None) -> Slot:
    return SLOT_WORKFLOW.apply(slot, to_status, actor=actor, payload=payload)


@transaction.atomic
def cancel_slot(slot: Slot, *, reason: str, actor=None) -> Slot:
    if not reason.strip():
        raise EvaluationError("Motif : indiquez pourquoi le créneau est annulé.")
    slot = Slot.objects.select_for_update().select_related("session").get(pk=slot.pk)
    if slot.session.status not in EDITABLE_SESSION_STATUSES:
        raise EvaluationError(
            "Un créneau d'une session ouverte ne s'annule pas : saisissez un incident."
        )
    move_slot(slot, SlotStatus.CANCELLED, actor=actor, payload={"reason": reason.strip()})
    # start-up: convocations bring icalendar; imported at the first cancellation, not by
    # every `acquis` command (the admin imports this module; docs/testing.md, Démarrage).
    from acquis.evaluations.convocations import notify_cancellation

    notify_cancellation(slot, reason=reason.strip(), actor=actor)
    return slot


@transaction.atomic
def open_session(session: EvaluationSession, *, actor=None, today=None) -> EvaluationSession:
    """Open the session on its day: grids can be filled, the panel sees the deliverables."""
    locked = EvaluationSession.objects.select_for_update().get(pk=session.pk)
    today = today or timezone.localdate()
    if locked.status == SessionStatus.PANEL_CONFIRMED and today < locked.date:
        raise EvaluationError(
            f"La session s'ouvre le jour même ({locked.date:%d/%m/%Y}), pas avant."
        )
    move_session(locked, SessionStatus.OPENED, actor=actor)
    session.status = locked.status
    return session


@transaction.atomic
def close_session(session: EvaluationSession, *, actor=None) -> EvaluationSession:
    """Close the session once every slot is consolidated, absent or cancelled."""
    locked = EvaluationSession.objects.select_for_update().get(pk=session.pk)
    pending = locked.slots.filter(status=SlotStatus.SCHEDULED).count()
    if locked.status == SessionStatus.OPENED and pending:
        raise EvaluationError(
            f"Session non clôturée : {pending} créneau(x) sans résultat consolidé ni incident."
        )
    move_session(locked, SessionStatus.CLOSED, actor=actor)
    session.status = locked.status
    return session


def is_open_for_grading(session: EvaluationSession) -> bool:
    return session.status == SessionStatus.OPENED
