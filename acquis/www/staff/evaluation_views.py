"""Staff screens of evaluations: juror records and trainings, sessions and their panel."""

from django.contrib import messages
from django.db.models import Max
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from acquis.evaluations import services
from acquis.evaluations.enums import SessionStatus
from acquis.evaluations.exceptions import EvaluationError
from acquis.evaluations.models import EvaluationSession, JurorProfile
from acquis.organisations.enums import Role
from acquis.organisations.models import User
from acquis.www.perms import staff_required
from acquis.www.staff import access
from acquis.www.staff import evaluation_forms as f

JUROR_FORM, TRAINING_FORM = "fiche", "formation"


def _jurors(user):
    return JurorProfile.objects.filter(certifier__in=access.certifiers(user)).select_related("user")


def _sessions(user):
    return EvaluationSession.objects.filter(certifier__in=access.certifiers(user)).select_related(
        "version__certification"
    )


def _juror_users(user):
    """Accounts holding the juror role in the user's certifier."""
    return (
        User.objects.filter(
            memberships__role=Role.JUROR,
            memberships__organisation=access.current_certifier(user),
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


@staff_required
def juror_list(request):
    versions = access.published_versions(request.user)
    jurors = _jurors(request.user).order_by("user__last_name", "user__email")
    posted = request.POST.get("formulaire") if request.method == "POST" else None
    juror_form = f.JurorForm(
        request.POST if posted == JUROR_FORM else None,
        request.FILES if posted == JUROR_FORM else None,
        users=_juror_users(request.user),
    )
    training_form = f.TrainingForm(
        request.POST if posted == TRAINING_FORM else None,
        jurors=jurors,
        versions=versions,
    )
    if posted == JUROR_FORM and juror_form.is_valid():
        data = juror_form.cleaned_data
        try:
            profile = services.record_juror(
                user=data["user"],
                certifier=access.current_certifier(request.user),
                sector=data["sector"],
                role=data["role"],
                years_experience=data["years_experience"],
                represents_certifier=data["represents_certifier"],
                proof=data["proof"],
                actor=request.user,
            )
        except EvaluationError as exc:
            juror_form.add_error(None, str(exc))
        else:
            messages.success(request, f"Fiche de {profile} enregistrée.")
            return redirect("staff_jurors")
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
                    trained_by=data["trained_by"],
                    actor=request.user,
                )
            except EvaluationError as exc:
                training_form.add_error(None, str(exc))
            else:
                messages.success(request, f"Formation de {data['juror']} enregistrée.")
                return redirect("staff_jurors")
    rows = jurors.annotate(last_training=Max("trainings__trained_on"))
    return render(
        request,
        "www/staff/evaluations/jurors.html",
        {
            "jurors": rows,
            "juror_form": juror_form,
            "training_form": training_form,
            "JUROR_FORM": JUROR_FORM,
            "TRAINING_FORM": TRAINING_FORM,
        },
    )


@staff_required
def session_list(request):
    form = f.SessionForm(request.POST or None, versions=access.published_versions(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.plan_session(
                certifier=access.current_certifier(request.user),
                version=data["version"],
                title=data["title"],
                on=data["on"],
                place=data["place"],
                remote=data["remote"],
                actor=request.user,
            )
        except EvaluationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Session « {session.title} » planifiée.")
            return redirect("staff_session", pk=session.pk)
    sessions = _sessions(request.user)
    return render(
        request, "www/staff/evaluations/sessions.html", {"sessions": sessions, "form": form}
    )


def _render_session(request, session, *, member_form=None, refusal=None, refused=""):
    panel = list(session.panel.select_related("juror__user").order_by("pk"))
    problems = services.panel_problems(session) if panel else []
    by_juror: dict[int, list] = {}
    general = []
    for problem in problems:
        if problem.juror is None:
            general.append(problem)
        else:
            by_juror.setdefault(problem.juror.pk, []).append(problem)
    members = [(m.juror, by_juror.get(m.juror.pk, [])) for m in panel]
    available = _jurors(request.user).exclude(pk__in=[m.juror_id for m in panel])
    context = {
        "session": session,
        "members": members,
        "general_problems": general,
        "member_form": member_form or f.PanelMemberForm(jurors=available),
        "refusal": refusal,
        "refused": refused,
        "planned": session.status == SessionStatus.PLANNED,
    }
    return render(request, "www/staff/evaluations/session.html", context)


@staff_required
def session_detail(request, pk):
    session = access.get_or_404(_sessions(request.user), pk=pk)
    return _render_session(request, session)


@staff_required
@require_POST
def session_action(request, pk, action):
    """One endpoint for the panel's actions; each runs one domain verb."""
    session = access.get_or_404(_sessions(request.user), pk=pk)
    if action == "membre":
        on_panel = session.panel.values_list("juror_id", flat=True)
        jurors = _jurors(request.user).exclude(pk__in=list(on_panel))
        form = f.PanelMemberForm(request.POST, jurors=jurors)
        if form.is_valid():
            try:
                services.add_panel_member(session, form.cleaned_data["juror"], actor=request.user)
            except EvaluationError as exc:
                return _render_session(request, session, refusal=exc, refused="Membre non ajouté")
            messages.success(request, f"{form.cleaned_data['juror']} ajouté(e) au jury.")
            return redirect("staff_session", pk=pk)
        return _render_session(request, session, member_form=form)
    if action == "confirmer":
        try:
            services.confirm_panel(session, actor=request.user)
        except EvaluationError as exc:
            return _render_session(request, session, refusal=exc, refused="Jury non confirmé")
        messages.success(request, "Jury confirmé.")
        return redirect("staff_session", pk=pk)
    return redirect("staff_session", pk=pk)
