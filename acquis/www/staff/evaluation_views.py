"""Staff screens of evaluations: juror records and trainings, sessions, panel, timetable.

The session page holds the panel, the timetable (slots, accommodations, assessors,
convocations) and the completion follow-up; the slot page holds its incidents and grids.
Each action runs one domain verb; a refusal is shown with its French message.
"""

import copy
from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from acquis import search
from acquis.candidates.names import name_order
from acquis.errors import AcquisError
from acquis.evaluations import convocations, incidents, planning, services, sessions
from acquis.evaluations.enums import SESSION_TRANSITIONS, GridStatus, SessionStatus, SlotStatus
from acquis.evaluations.exceptions import EvaluationError
from acquis.evaluations.models import (
    EvaluationSession,
    JurorProfile,
    JurorTraining,
    Slot,
    SlotAssessor,
)
from acquis.organisations.models import User
from acquis.www import confirm, sorting
from acquis.www.errors import add_to_form
from acquis.www.pagination import paginate
from acquis.www.perms import staff_required
from acquis.www.staff import access
from acquis.www.staff import evaluation_forms as f
from acquis.www.staff.email_views import EMAILS_SHOWN

JUROR_FORM, TRAINING_FORM = "fiche", "formation"


def _jurors(user):
    return JurorProfile.objects.filter(certifier__in=access.certifier_ids(user)).select_related(
        "user"
    )


def _sessions(user):
    return EvaluationSession.objects.filter(
        certifier__in=access.certifier_ids(user)
    ).select_related("version__certification")


def _juror_users(request):
    """Accounts holding the juror role in the current certifier (before a user of several
    has chosen one: in any of theirs; recording a profile asks the choice first)."""
    scope = access.scope(request)
    return User.objects.jurors_of(scope.current or scope.certifiers)


def _trainers(request):
    current = access.scope(request).current
    return services.trainer_candidates(current) if current else User.objects.none()


JUROR_COLUMNS = [
    sorting.Column("nom", "Nom", ("user__last_name", "user__first_name", "user__email")),
    sorting.Column("fonction", "Fonction exercée (secteur)", ("role",)),
    sorting.Column("experience", "Années d'expérience", ("years_experience",)),
    sorting.Column("", "Pièce justificative"),
    sorting.Column("structure", "Structure employeuse", ("structure",)),
    sorting.Column("representant", "Représente le certificateur", ("represents_certifier",)),
    sorting.Column("", "Formations au référentiel"),
]

SESSION_COLUMNS = [
    sorting.Column("intitule", "Intitulé", ("title",)),
    sorting.Column("date", "Date", ("date",)),
    sorting.Column("lieu", "Lieu", ("place",)),
    sorting.Column("", "Référentiel"),
    sorting.Column("etat", "État", ("status",)),
]


def _session_date(word: str):
    """A typed date ("12/05/2026") finds the sessions held that day."""
    day = search.word_date(word)
    return Q(date=day) if day else None


def filter_sessions(queryset, data: dict):
    if data.get("q"):
        queryset = search.search(queryset, data["q"], extra=_session_date)
    if data.get("etat"):
        queryset = queryset.filter(status=data["etat"])
    if data.get("du"):
        queryset = queryset.filter(date__gte=data["du"])
    if data.get("au"):
        queryset = queryset.filter(date__lte=data["au"])
    return queryset


@staff_required
@access.certifier_chosen
def juror_list(request):
    versions = access.version_choices(request.user, rules=True)
    jurors = _jurors(request.user).order_by("user__last_name", "user__email")
    posted = request.POST.get("formulaire") if request.method == "POST" else None
    juror_form = f.JurorForm(
        request.POST if posted == JUROR_FORM else None,
        request.FILES if posted == JUROR_FORM else None,
        users=_juror_users(request),
        sectors=f.sector_choices(versions),
    )
    training_form = f.TrainingForm(
        request.POST if posted == TRAINING_FORM else None,
        request.FILES if posted == TRAINING_FORM else None,
        jurors=jurors,
        versions=versions,
        trainers=_trainers(request),
    )
    if posted == JUROR_FORM and juror_form.is_valid():
        data = juror_form.cleaned_data
        try:
            profile = services.record_juror(
                user=data["user"],
                certifier=access.current_certifier(request),
                sector=data["sector"],
                role=data["role"],
                years_experience=data["years_experience"],
                represents_certifier=data["represents_certifier"],
                structure=data["structure"],
                structure_siret=data["structure_siret"],
                proof=data["proof"],
                actor=request.user,
            )
        except AcquisError as exc:
            juror_form.add_error(None, str(exc))
        else:
            messages.success(request, f"Fiche de {profile} enregistrée.")
            return redirect("staff:jurors")
    if posted == TRAINING_FORM and training_form.is_valid():
        data = training_form.cleaned_data
        version = data.get("version") or versions.first()
        if version is None:
            training_form.add_error(None, "Aucun référentiel publié : formation impossible.")
        else:
            try:
                services.record_training(
                    data["juror"],
                    version=version,
                    trained_on=data["trained_on"],
                    trainer=data["trainer"],
                    attendance=data["attendance"],
                    actor=request.user,
                )
            except AcquisError as exc:
                for problem in exc.problems or [str(exc)]:
                    training_form.add_error(None, problem)
            else:
                messages.success(request, f"Formation de {data['juror']} enregistrée.")
                return redirect("staff:jurors")
    filters = f.JurorFilterForm(request.GET or None)
    sorter = sorting.sorter(request, JUROR_COLUMNS)
    listed = jurors
    if filters.is_valid():
        listed = search.search(listed, filters.cleaned_data["q"])
    rows = sorter.order_by(listed, ("user__last_name", "user__email", "pk")).prefetch_related(
        Prefetch(
            "trainings",
            # The row shows the version's number only: its large JSON columns stay unread.
            queryset=access.light_versions(
                JurorTraining.objects.select_related("trainer", "version"), "version__"
            ).order_by("-trained_on", "-pk"),
        )
    )
    return render(
        request,
        "www/staff/evaluations/jurors.html",
        {
            "jurors": paginate(request, rows),
            "filters": filters,
            "sorter": sorter,
            "juror_form": juror_form,
            "training_form": training_form,
            "JUROR_FORM": JUROR_FORM,
            "TRAINING_FORM": TRAINING_FORM,
        },
    )


@staff_required
@access.certifier_chosen
def session_list(request):
    form = f.SessionForm(request.POST or None, versions=access.version_choices(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.plan_session(
                certifier=access.current_certifier(request),
                version=data["version"],
                title=data["title"],
                on=data["on"],
                place=data["place"],
                remote=data["remote"],
                history=data["history"],
                today=timezone.localdate(),
                actor=request.user,
            )
        except AcquisError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"Session « {session.title} » planifiée.")
            return redirect("staff:session", pk=session.pk)
    filters = f.SessionFilterForm(request.GET or None)
    sorter = sorting.sorter(request, SESSION_COLUMNS)
    # The columns the list shows: the version's title and number, no other related row.
    queryset = (
        EvaluationSession.objects.filter(certifier__in=access.certifier_ids(request.user))
        .select_related("version")
        .only("title", "date", "remote", "place", "status", "version__title", "version__number")
    )
    if filters.is_valid():
        queryset = filter_sessions(queryset, filters.cleaned_data)
    listed = paginate(request, sorter.order_by(queryset, ("-date", "-pk")))
    context = {"sessions": listed, "form": form, "filters": filters, "sorter": sorter}
    return render(request, "www/staff/evaluations/sessions.html", context)


@dataclass(frozen=True)
class SlotRow:
    """One line of the timetable and of the completion follow-up."""

    slot: Slot
    assessors: list
    measures: list
    grids_submitted: int
    consolidated: bool
    incidents: list

    @property
    def grids_expected(self) -> int:
        return len(self.assessors)


def _slots(user):
    return Slot.objects.filter(session__certifier__in=access.certifier_ids(user))


def _timetable(session) -> list[SlotRow]:
    slots = (
        session.slots.select_related("assessment", "candidacy__candidate", "consolidation")
        .prefetch_related(
            convocations.active_accommodations(),
            Prefetch(
                "assessor_links",
                queryset=SlotAssessor.objects.select_related("juror__user").order_by("pk"),
            ),
            "incidents",
            "grids",
        )
        .order_by("starts_at", "pk")
    )
    rows = []
    for slot in slots:
        assessors = [link.juror for link in slot.assessor_links.all()]
        submitted = [g for g in slot.grids.all() if g.status == GridStatus.SUBMITTED]
        rows.append(
            SlotRow(
                slot=slot,
                assessors=assessors,
                measures=convocations.accommodation_measures(slot.candidacy),
                grids_submitted=len(submitted),
                consolidated=slot.status == SlotStatus.CONSOLIDATED
                or getattr(slot, "consolidation", None) is not None,
                incidents=list(slot.incidents.all()),
            )
        )
    return rows


def _convocable(request, session):
    return (
        access.candidacies(request.user)
        .filter(version=session.version, status__in=planning.CONVOCABLE_CANDIDACY_STATUSES)
        .select_related("candidate")
        .order_by(*name_order("candidate__"), "pk")
    )


def _panel(session):
    return (
        JurorProfile.objects.filter(pk__in=session.panel.values_list("juror_id", flat=True))
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def _slot_form(request, session, data=None):
    """The slot form; many convocable candidacies: a search (`candidature`, sent by the
    page's GET form without JavaScript), the choice already made (`candidacy`) kept."""
    return f.SlotForm(
        data,
        assessments=session.version.assessments.order_by("position"),
        candidacies=_convocable(request, session),
        panel=_panel(session),
        query=request.GET.get("candidature"),
        chosen=None if data else request.GET.get("candidacy"),
    )


def _chosen(session, assessors):
    """The assessors ticked, or None for the default (the whole panel ticked, or none)."""
    chosen = list(assessors or [])
    if not chosen or {j.pk for j in chosen} == set(
        session.panel.values_list("juror_id", flat=True)
    ):
        return None
    return chosen


@staff_required
@require_GET
def session_candidacies(request, pk):
    """The slot form's candidacy choices for a search (fetched as the user types): at most
    bounded.PICKED among the session's convocable candidacies."""
    session = access.get_or_404(_sessions(request.user), pk=pk)
    form = f.SlotCandidacyForm(
        candidacies=_convocable(request, session),
        query=request.GET.get("candidature"),
        chosen=request.GET.get("candidacy"),
        searched=True,
    )
    return render(request, "www/includes/candidacy_options.html", {"field": form["candidacy"]})


def _cancel_form(session, data=None):
    slots = session.slots.filter(status=SlotStatus.SCHEDULED).select_related(
        "assessment", "candidacy__candidate"
    )
    return f.CancelSlotForm(data, slots=slots, auto_id="id_annulation_%s")


def _refusal_text(refused: str, exc: EvaluationError) -> str:
    """The refusal's message, prefixed with what failed unless the message already says it."""
    message = str(exc)
    if not refused or message.startswith(refused):
        return message
    return f"{refused} : {message}"


def _render_session(
    request,
    session,
    *,
    member_form=None,
    slot_form=None,
    cancel_form=None,
    cancel_session_form=None,
    refusal=None,
    refused="",
):
    panel = list(session.panel.select_related("juror__user").order_by("pk"))
    problems = services.panel_problems(session) if panel else []
    by_juror: dict[int, list] = {}
    general = []
    for problem in problems:
        if problem.juror is None:
            general.append(problem)
        else:
            by_juror.setdefault(problem.juror.pk, []).append(problem)
    members = [(m, m.juror, by_juror.get(m.juror.pk, [])) for m in panel]
    available = _jurors(request.user).exclude(pk__in=[m.juror_id for m in panel])
    editable = session.status in planning.EDITABLE_SESSION_STATUSES
    rows = _timetable(session)
    slot_form = (slot_form or _slot_form(request, session)) if editable else None
    context = {
        "session": session,
        "members": members,
        "general_problems": general,
        "member_form": member_form or f.PanelMemberForm(jurors=available),
        "slot_form": slot_form,
        "cancel_form": (cancel_form or _cancel_form(session)) if editable else None,
        "refusal": refusal,
        "refusal_text": _refusal_text(refused, refusal) if refusal else "",
        "planned": session.status == SessionStatus.PLANNED,
        "editable": editable,
        "rows": rows,
        "followed": session.status != SessionStatus.PLANNED and rows,
        "can_convoke": session.status in convocations.CONVOCABLE_SESSION_STATUSES,
        "to_convoke": sum(
            1 for r in rows if r.slot.status == SlotStatus.SCHEDULED and not r.slot.convoked_at
        )
        + sum(1 for m in panel if not m.convoked_at),
        "can_open": session.status == SessionStatus.PANEL_CONFIRMED,
        "can_edit": sessions.editable(session),
        "can_cancel": (session.status, SessionStatus.CANCELLED) in SESSION_TRANSITIONS,
        "can_delete": session.status in sessions.EDITABLE + (SessionStatus.CANCELLED,)
        and not panel
        and not rows,
        "cancel_session_form": cancel_session_form
        or f.CancelSessionForm(auto_id="id_annulation_session_%s"),
        "can_close": session.status == SessionStatus.OPENED,
        "emails": session.emails.all()[:EMAILS_SHOWN],
    }
    return render(request, "www/staff/evaluations/session.html", context)


@staff_required
def session_detail(request, pk):
    session = access.get_or_404(_sessions(request.user), pk=pk)
    return _render_session(request, session)


@staff_required
def session_edit(request, pk):
    """« Modifier la session »: until the convocations are sent."""
    session = access.get_or_404(_sessions(request.user), pk=pk)
    if not sessions.editable(session):
        messages.error(
            request,
            f"Cette session ne se modifie plus : elle est « {session.get_status_display()} ».",
        )
        return redirect("staff:session", pk=pk)
    initial = {
        "title": session.title,
        "on": session.date,
        "place": session.place,
        "remote": session.remote,
        "deliverables_due_at": timezone.localtime(session.deliverables_due_at)
        if session.deliverables_due_at
        else None,
    }
    form = f.SessionEditForm(request.POST or None, initial=initial)
    sent = sessions.convocations_sent(session)
    if sent:
        form.fields["reason"] = copy.deepcopy(f.SessionReasonMixin.base_fields["reason"])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        due = data["deliverables_due_at"]
        if due is not None and due == initial["deliverables_due_at"]:
            due = None  # unchanged: it follows the day when it was the default one
        try:
            sessions.update_session(
                session,
                title=data["title"],
                on=data["on"],
                place=data["place"],
                remote=data["remote"],
                deliverables_due_at=due,
                history=data["history"],
                today=timezone.localdate(),
                reason=data.get("reason", ""),
                actor=request.user,
            )
        except AcquisError as exc:
            add_to_form(form, exc)
        else:
            done = "Session modifiée."
            if sent:
                done += " Les convocations modifiées sont envoyées aux convoqués."
            messages.success(request, done)
            return redirect("staff:session", pk=pk)
    return render(
        request,
        "www/staff/evaluations/session_form.html",
        {"form": form, "session": session, "sent": sent},
    )


def _add_member(request, session):
    on_panel = session.panel.values_list("juror_id", flat=True)
    jurors = _jurors(request.user).exclude(pk__in=list(on_panel))
    form = f.PanelMemberForm(request.POST, jurors=jurors)
    if not form.is_valid():
        return _render_session(request, session, member_form=form)
    try:
        services.add_panel_member(session, form.cleaned_data["juror"], actor=request.user)
    except AcquisError as exc:
        return _render_session(request, session, refusal=exc, refused="Membre non ajouté")
    messages.success(request, f"{form.cleaned_data['juror']} ajouté(e) au jury.")
    return None


def _add_slot(request, session):
    form = _slot_form(request, session, request.POST)
    if not form.is_valid():
        return _render_session(request, session, slot_form=form)
    data = form.cleaned_data
    starts_at = datetime.combine(
        session.date, data["start"], tzinfo=timezone.get_current_timezone()
    )
    try:
        slot = planning.add_slot(
            session,
            assessment=data["assessment"],
            candidacy=data["candidacy"],
            starts_at=starts_at,
            duration_minutes=data["duration_minutes"],
            room=data["room"],
            assessors=_chosen(session, data["assessors"]),
            actor=request.user,
        )
    except AcquisError as exc:
        return _render_session(
            request, session, slot_form=form, refusal=exc, refused="Créneau non ajouté"
        )
    extra = f" (+{slot.extra_minutes} min d'aménagement)" if slot.extra_minutes else ""
    messages.success(
        request,
        f"Créneau ajouté : {slot.assessment.code} de {slot.candidacy.candidate.full_name}, "
        f"{timezone.localtime(slot.starts_at):%H:%M}–{timezone.localtime(slot.ends_at):%H:%M}"
        f"{extra}.",
    )
    return None


def _cancel_slot(request, session):
    form = _cancel_form(session, request.POST)
    if not form.is_valid():
        return _render_session(request, session, cancel_form=form)
    slot = form.cleaned_data["slot"]
    try:
        planning.cancel_slot(slot, reason=form.cleaned_data["reason"], actor=request.user)
    except AcquisError as exc:
        return _render_session(
            request, session, cancel_form=form, refusal=exc, refused="Créneau non annulé"
        )
    messages.success(request, f"Créneau annulé : {slot}.")
    return None


def _convoke(request, session):
    today = timezone.localdate()
    late = None
    if session.status in convocations.CONVOCABLE_SESSION_STATUSES:
        late = convocations.late_warning(session, today=today)
    if late and not confirm.confirmed(request):
        return confirm.ask(
            request,
            title="Envoyer les convocations après la date limite des livrables ?",
            consequences=[
                "Les candidats et les membres du jury non encore convoqués reçoivent leur "
                "convocation par courriel, avec le fichier d'agenda.",
                "L'envoi tardif est enregistré dans l'historique de la session.",
            ],
            warnings=[late],
            button="Confirmer l'envoi des convocations",
            back_url=reverse("staff:session", args=[session.pk]),
            staff_menu=True,
        )
    try:
        summary = convocations.send_convocations(
            session, actor=request.user, today=today, late_confirmed=bool(late)
        )
    except AcquisError as exc:
        return _render_session(request, session, refusal=exc, refused="Convocations non envoyées")
    if summary.without_email or summary.failed:
        messages.warning(request, summary.message())
    else:
        messages.success(request, summary.message())
    return None


def _verb(verb, done: str, refused: str):
    def action(request, session):
        try:
            verb(session, actor=request.user)
        except AcquisError as exc:
            return _render_session(request, session, refusal=exc, refused=refused)
        messages.success(request, done)
        return None

    return action


def _remove_member(request, session):
    juror = session.panel.filter(juror_id=_int(request.POST.get("juror"))).first()
    if juror is None:
        messages.error(request, "Ce membre ne fait pas partie du jury de la session.")
        return None
    try:
        sessions.remove_panel_member(session, juror.juror, actor=request.user)
    except AcquisError as exc:
        return _render_session(request, session, refusal=exc, refused="Membre non retiré")
    messages.success(request, f"{juror.juror} retiré(e) du jury de la session.")
    return None


def _cancel_session(request, session):
    form = f.CancelSessionForm(request.POST, auto_id="id_annulation_session_%s")
    if not form.is_valid():
        return _render_session(request, session, cancel_session_form=form)
    try:
        services.cancel_session(session, reason=form.cleaned_data["reason"], actor=request.user)
    except AcquisError as exc:
        return _render_session(
            request, session, cancel_session_form=form, refusal=exc, refused="Session non annulée"
        )
    messages.success(request, f"Session « {session.title} » annulée.")
    return None


def _delete_session(request, session):
    title = session.title
    try:
        sessions.delete_session(session, actor=request.user)
    except AcquisError as exc:
        return _render_session(request, session, refusal=exc, refused="Session non supprimée")
    messages.success(request, f"Session « {title} » supprimée.")
    return redirect("staff:sessions")


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


ACTIONS = {
    "membre": _add_member,
    "retirer-membre": _remove_member,
    "annuler": _cancel_session,
    "supprimer": _delete_session,
    "confirmer": _verb(services.confirm_panel, "Jury confirmé.", "Jury non confirmé"),
    "creneau": _add_slot,
    "annuler-creneau": _cancel_slot,
    "convoquer": _convoke,
    "ouvrir": _verb(planning.open_session, "Session ouverte.", "Session non ouverte"),
    "cloturer": _verb(planning.close_session, "Session clôturée.", "Session non clôturée"),
}


@staff_required
@require_POST
def session_action(request, pk, action):
    """One endpoint for the session's actions; each runs one domain verb."""
    session = access.get_or_404(_sessions(request.user), pk=pk)
    handler = ACTIONS.get(action)
    if handler is not None:
        response = handler(request, session)
        if response is not None:
            return response
    return redirect("staff:session", pk=pk)


# --- one slot: detail, incidents, grids ---------------------------------------------------


def _render_slot(request, slot, *, form=None, refusal=None):
    links = slot.assessor_links.select_related("juror__user").order_by("pk")
    grids = {g.juror_id: g for g in slot.grids.all()}
    context = {
        "slot": slot,
        "session": slot.session,
        "measures": convocations.accommodation_measures(slot.candidacy),
        "assessors": [(link.juror, grids.get(link.juror_id)) for link in links],
        "incidents": slot.incidents.select_related("recorded_by"),
        "form": form or f.IncidentForm(),
        "refusal": refusal,
        "refusal_text": _refusal_text("Incident non enregistré", refusal) if refusal else "",
        "can_record": slot.status == SlotStatus.SCHEDULED
        and slot.session.status in incidents.INCIDENT_SESSION_STATUSES,
        "can_edit": slot.status == SlotStatus.SCHEDULED
        and slot.session.status in planning.EDITABLE_SESSION_STATUSES,
    }
    return render(request, "www/staff/evaluations/slot.html", context)


def _get_slot(request, pk) -> Slot:
    return access.get_or_404(
        _slots(request.user).select_related(
            "session__version", "session__certifier", "assessment", "candidacy__candidate"
        ),
        pk=pk,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def slot_detail(request, pk):
    slot = _get_slot(request, pk)
    if request.method == "GET":
        return _render_slot(request, slot)
    form = f.IncidentForm(request.POST)
    if not form.is_valid():
        return _render_slot(request, slot, form=form)
    data = form.cleaned_data
    try:
        incident = incidents.record_incident(
            slot, kind=data["kind"], note=data["note"], minutes=data["minutes"], actor=request.user
        )
    except AcquisError as exc:
        return _render_slot(request, slot, form=form, refusal=exc)
    messages.success(request, f"Incident enregistré : {incident.get_kind_display()}.")
    return redirect("staff:slot", pk=slot.pk)


@staff_required
@require_http_methods(["GET"])
def slot_convocation(request, pk):
    """The candidate's printable convocation, for one who has no email address."""
    slot = _get_slot(request, pk)
    context = {"convocation": convocations.slot_convocation(slot), "slot": slot}
    return render(request, "www/staff/evaluations/slot_convocation.html", context)


def _slot_edit_initial(slot) -> dict:
    return {
        "start": timezone.localtime(slot.starts_at).time(),
        "duration_minutes": slot.duration_minutes,
        "room": slot.room,
        "assessors": [link.juror_id for link in slot.assessor_links.all()]
        or list(slot.session.panel.values_list("juror_id", flat=True)),
    }


@staff_required
@require_http_methods(["GET", "POST"])
def slot_edit(request, pk):
    """« Modifier le créneau »: time, duration, room and assessors, until the session opens;
    once convoked, with a reason (the convoked get the modified convocation)."""
    slot = _get_slot(request, pk)
    session = slot.session
    if (
        session.status not in planning.EDITABLE_SESSION_STATUSES
        or slot.status != SlotStatus.SCHEDULED
    ):
        messages.error(
            request,
            f"Ce créneau ne se modifie plus (session « {session.get_status_display()} », "
            f"créneau « {slot.get_status_display()} »).",
        )
        return redirect("staff:slot", pk=pk)
    form = f.SlotEditForm(
        request.POST or None, initial=_slot_edit_initial(slot), panel=_panel(session)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        starts_at = datetime.combine(
            session.date, data["start"], tzinfo=timezone.get_current_timezone()
        )
        try:
            planning.update_slot(
                slot,
                starts_at=starts_at,
                duration_minutes=data["duration_minutes"],
                room=data["room"],
                # The whole panel ticked keeps the default (those without a link) unless
                # the slot's assessors were already chosen by hand.
                assessors=(
                    list(data["assessors"]) or None
                    if slot.assessors_chosen
                    else _chosen(session, data["assessors"])
                ),
                reason=data["reason"],
                actor=request.user,
            )
        except AcquisError as exc:
            add_to_form(form, exc)
        else:
            done = "Créneau modifié."
            if slot.convoked_at:
                done += " La convocation modifiée est envoyée au candidat et aux évaluateurs."
            messages.success(request, done)
            return redirect("staff:slot", pk=pk)
    return render(
        request,
        "www/staff/evaluations/slot_form.html",
        {"form": form, "slot": slot, "session": session},
    )
