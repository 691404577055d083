"""Staff screens of the certification jury (/gestion/deliberations/): prepare a deliberation,
compose its jury (the referential's rules checked on every display), list its candidates,
open it, and deliberate; the deliberation screen itself (cards, decide endpoint) is shared
with the jury members: acquis/www/shared/deliberation.py.

Who records decisions while the deliberation is open: the certifier's exam manager or
administrator (who often keeps the pen during the sitting) and every present jury member;
each decision is audited with its author. Each action runs one juries verb; a refusal is
shown with its French message, next to the candidate for a decision.
"""

from django.contrib import messages
from django.db.models import F, Func, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_POST

from acquis.candidates.models import Cohort
from acquis.errors import AcquisError
from acquis.juries import (
    composition,
    deliberations,
    minutes,
    standing,
)
from acquis.juries.enums import DeliberationStatus
from acquis.juries.models import Decision, Deliberation, DeliberationCandidate
from acquis.organisations.models import User
from acquis.www import confirm, sorting
from acquis.www.pagination import paginate
from acquis.www.perms import staff_required
from acquis.www.shared.deliberation import record_decision, screen_context
from acquis.www.staff import access
from acquis.www.staff import deliberation_forms as f

S = DeliberationStatus


# --- list and creation ----------------------------------------------------------------------


def _count(model, field: str):
    """The number of `model` rows whose `field` is the outer row (a correlated subquery)."""
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(rows.annotate(n=Func(F("pk"), function="COUNT")).values("n")), 0)


def _deliberations(user):
    return Deliberation.objects.filter(certifier__in=access.certifier_ids(user)).select_related(
        "version__certification", "certifier"
    )


DELIBERATION_COLUMNS = [
    sorting.Column("intitule", "Délibération", ("title",)),
    sorting.Column("jury", "Jury", ("kind",)),
    sorting.Column("date", "Date", ("date",)),
    sorting.Column("lieu", "Lieu", ("place",)),
    sorting.Column("candidats", "Candidats", ("candidates",)),
    sorting.Column("decisions", "Décisions", ("decided",)),
    sorting.Column("etat", "État", ("status",)),
]


@staff_required
@require_http_methods(["GET", "POST"])
def deliberation_list(request):
    versions = access.version_choices(request.user)
    form = f.DeliberationForm(request.POST or None, versions=versions)
    refusal = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            deliberation = deliberations.prepare(
                data["version"].certification.owner,
                data["version"],
                kind=data["kind"],
                title=data["title"],
                on=data["on"],
                place=data["place"],
                actor=request.user,
            )
        except AcquisError as exc:
            refusal = exc
        else:
            messages.success(request, f"Délibération « {deliberation.title} » préparée.")
            return redirect("staff:deliberation", pk=deliberation.pk)
    filters = f.DeliberationFilterForm(request.GET or None)
    sorter = sorting.sorter(request, DELIBERATION_COLUMNS)
    # The columns the list shows, and no related row (the version, its certification and the
    # certifier were built for each of the 50 rows and never shown).
    rows = Deliberation.objects.filter(certifier__in=access.certifier_ids(request.user)).only(
        "title", "kind", "date", "place", "status"
    )
    if filters.is_valid():
        data = filters.cleaned_data
        if data["etat"]:
            rows = rows.filter(status=data["etat"])
        if data["du"]:
            rows = rows.filter(date__gte=data["du"])
        if data["au"]:
            rows = rows.filter(date__lte=data["au"])
    # The counts as subqueries: two joined COUNT(DISTINCT) multiplied the rows of every
    # deliberation (entries × decisions) before counting; the versions' large columns are not read.
    rows = rows.annotate(
        candidates=_count(DeliberationCandidate, "deliberation"),
        decided=_count(Decision, "deliberation"),
    )
    context = {
        "deliberations": paginate(request, sorter.order_by(rows, ("-date", "-pk"))),
        "form": form,
        "refusal": refusal,
        "filters": filters,
        "sorter": sorter,
    }
    return render(request, "www/staff/juries/deliberations.html", context)


# --- one deliberation -----------------------------------------------------------------------


def _juror_users(deliberation):
    seated = deliberation.members.values_list("user_id", flat=True)
    return (
        User.objects.jurors_of(deliberation.certifier_id)
        .filter(is_active=True)
        .exclude(pk__in=list(seated))
    )


def _cohorts(deliberation, eligible):
    return Cohort.objects.filter(pk__in=eligible.values("cohort_id")).order_by("name")


def _render(request, deliberation, *, forms=None, refusal=None, refused="", posted=None):
    forms = forms or {}
    members = composition.members_of(deliberation)
    problems = composition.problems(deliberation, members)
    by_member: dict[int, list] = {}
    general = []
    for problem in problems:
        target = by_member.setdefault(problem.member.pk, []) if problem.member else general
        target.append(problem)
    prepared = deliberation.status == S.PREPARED
    editable = deliberation.status in deliberations.LIST_EDITABLE
    eligible = deliberations.eligible_candidacies(deliberation)
    context = {
        "deliberation": deliberation,
        "jury_rule": composition.jury_rules(deliberation),
        "members": [(m, by_member.get(m.pk, [])) for m in members],
        "general_problems": general,
        "lawful": not problems,
        "prepared": prepared,
        "editable": editable,
        "refusal": refusal,
        "refused": refused,
        "can_open": prepared,
        "can_suspend": deliberation.status == S.OPEN,
        "can_close": deliberation.status == S.OPEN,
    }
    if prepared:
        context["member_form"] = forms.get("member") or f.MemberForm(
            users=_juror_users(deliberation), roles=composition.roles_of(deliberation)
        )
        context["opening_problems"] = deliberations.opening_problems(deliberation)
        entries = list(
            deliberation.entries.select_related("candidacy__candidate", "candidacy__cohort")
        )
        decided = set(deliberation.decisions.values_list("candidacy_id", flat=True))
        sittings = standing.standings(deliberation, [entry.candidacy for entry in entries])
        context["entries"] = [
            (entry, entry.candidacy_id in decided, sittings[entry.candidacy_id])
            for entry in entries
        ]
    if editable:
        context["cohort_form"] = forms.get("cohort") or f.CohortForm(
            cohorts=_cohorts(deliberation, eligible)
        )
        context["candidate_form"] = forms.get("candidate") or f.CandidateForm(
            candidacies=eligible,
            query=request.GET.get("candidature"),
            chosen=request.GET.get("candidacy"),
        )
    if deliberation.status == S.OPEN:
        context["suspend_form"] = forms.get("suspend") or f.SuspendForm()
    if not prepared:
        context |= screen_context(
            deliberation,
            decide_name="staff:deliberation_decide",
            can_decide=True,
            posted=posted,
        )
    return render(request, "www/staff/juries/deliberation.html", context)


def _get(request, pk) -> Deliberation:
    return access.get_or_404(_deliberations(request.user), pk=pk)


@staff_required
@require_http_methods(["GET"])
def deliberation_detail(request, pk):
    return _render(request, _get(request, pk))


@staff_required
@require_http_methods(["GET"])
def deliberation_candidacies(request, pk):
    """The « add a candidate » form's choices for a search (fetched as the user types): at
    most bounded.PICKED among the candidacies that could join this deliberation's list."""
    deliberation = _get(request, pk)
    if deliberation.status not in deliberations.LIST_EDITABLE:
        raise Http404("La liste des candidats n'est plus modifiable.")
    form = f.CandidateForm(
        candidacies=deliberations.eligible_candidacies(deliberation),
        query=request.GET.get("candidature"),
        chosen=request.GET.get("candidacy"),
        searched=True,
    )
    return render(request, "www/includes/candidacy_options.html", {"field": form["candidacy"]})


def _member_of(request, deliberation):
    member = deliberation.members.filter(pk=request.POST.get("member") or 0).first()
    if member is None:
        raise Http404("Membre introuvable.")
    return member


def _add_member(request, deliberation):
    form = f.MemberForm(
        request.POST, users=_juror_users(deliberation), roles=composition.roles_of(deliberation)
    )
    if not form.is_valid():
        return _render(request, deliberation, forms={"member": form})
    data = form.cleaned_data
    try:
        deliberations.add_member(
            deliberation,
            data["user"],
            role=data["role"],
            external=data["external"],
            organisation=data["organisation"],
            actor=request.user,
        )
    except AcquisError as exc:
        return _render(
            request, deliberation, forms={"member": form}, refusal=exc, refused="Membre non ajouté"
        )
    messages.success(request, f"{data['user']} siège au jury.")
    return None


def _remove_member(request, deliberation):
    member = _member_of(request, deliberation)
    deliberations.remove_member(member, actor=request.user)
    messages.success(request, f"{member.user} ne siège plus au jury.")


def _presence(request, deliberation):
    member = _member_of(request, deliberation)
    present = request.POST.get("present") == "1"
    deliberations.set_presence(member, present, actor=request.user)
    messages.success(request, f"{member.user} : {'présent(e)' if present else 'absent(e)'}.")


def _add_cohort(request, deliberation):
    eligible = deliberations.eligible_candidacies(deliberation)
    form = f.CohortForm(request.POST, cohorts=_cohorts(deliberation, eligible))
    if not form.is_valid():
        return _render(request, deliberation, forms={"cohort": form})
    cohort = form.cleaned_data["cohort"]
    candidacies = list(deliberations.eligible_candidacies(deliberation, cohort))
    deliberations.add_candidates(deliberation, candidacies, actor=request.user)
    messages.success(request, f"{len(candidacies)} candidat(s) de « {cohort} » ajouté(s).")
    return None


def _add_candidate(request, deliberation):
    form = f.CandidateForm(
        request.POST, candidacies=deliberations.eligible_candidacies(deliberation)
    )
    if not form.is_valid():
        return _render(request, deliberation, forms={"candidate": form})
    candidacy = form.cleaned_data["candidacy"]
    deliberations.add_candidates(deliberation, [candidacy], actor=request.user)
    messages.success(request, f"{candidacy.candidate.full_name} ajouté(e) à la liste.")
    return None


def _remove_candidate(request, deliberation):
    entry = (
        deliberation.entries.filter(candidacy_id=request.POST.get("candidacy") or 0)
        .select_related("candidacy__candidate")
        .first()
    )
    if entry is None:
        raise Http404("Candidat introuvable.")
    deliberations.remove_candidate(deliberation, entry.candidacy, actor=request.user)
    messages.success(request, f"{entry.candidacy.candidate.full_name} retiré(e) de la liste.")


def _open(request, deliberation):
    deliberations.open_deliberation(deliberation, actor=request.user)
    messages.success(request, "Délibération ouverte : le jury peut décider.")


def _suspend(request, deliberation):
    form = f.SuspendForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    deliberations.suspend(deliberation, actor=request.user, reason=reason)
    messages.success(request, "Délibération suspendue : elle est de nouveau en préparation.")


def _close(request, deliberation):
    pv = minutes.close_deliberation(deliberation, actor=request.user)
    messages.success(request, f"Délibération close : procès-verbal n° {pv.number} à signer.")
    try:
        return redirect(reverse("staff:minutes", args=[deliberation.pk]))
    except NoReverseMatch:
        return None


ACTIONS = {
    "membre": (_add_member, "Membre non ajouté"),
    "retirer-membre": (_remove_member, "Membre non retiré"),
    "presence": (_presence, "Présence non modifiée"),
    "promotion": (_add_cohort, "Candidats non ajoutés"),
    "candidat": (_add_candidate, "Candidat non ajouté"),
    "retirer-candidat": (_remove_candidate, "Candidat non retiré"),
    "ouvrir": (_open, "Délibération non ouverte"),
    "suspendre": (_suspend, "Délibération non suspendue"),
    "clore": (_close, "Délibération non close"),
}


@staff_required
@require_POST
def deliberation_action(request, pk, action):
    """One endpoint for the deliberation's actions; each runs one juries verb."""
    deliberation = _get(request, pk)
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404("Action inconnue.")
    run, refused = handler
    if action == "clore" and not confirm.confirmed(request):
        return confirm.ask(
            request,
            **confirm.CLOSE_DELIBERATION,
            back_url=reverse("staff:deliberation", args=[pk]),
            staff_menu=True,
        )
    try:
        response = run(request, deliberation)
    except AcquisError as exc:
        deliberation.refresh_from_db()
        return _render(request, deliberation, refusal=exc, refused=refused)
    if response is not None:
        return response
    return redirect("staff:deliberation", pk=pk)


@staff_required
@require_POST
def deliberation_decide(request, pk, candidacy_pk):
    deliberation = _get(request, pk)
    page = reverse("staff:deliberation", args=[pk])

    def rerender(posted):
        deliberation.refresh_from_db()
        return _render(request, deliberation, posted=posted)

    return record_decision(request, deliberation, candidacy_pk, rerender=rerender, page_url=page)
