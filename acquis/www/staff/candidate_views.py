"""Staff screens of candidate dossiers: lists, identity, registration, the dossier page."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from acquis import search
from acquis.audit.models import AuditEvent
from acquis.candidates import hooks, portal, services
from acquis.candidates.enums import CandidacyStatus
from acquis.candidates.models import Candidacy
from acquis.candidates.names import name_keys, name_order
from acquis.errors import AcquisError
from acquis.evaluations.models import EvaluationSession, Slot
from acquis.juries.models import Decision
from acquis.www import confirm, sorting
from acquis.www.bounded import candidacy_number
from acquis.www.errors import add_to_form
from acquis.www.pagination import paginate
from acquis.www.perms import staff_required
from acquis.www.staff import access
from acquis.www.staff import candidate_forms as f
from acquis.www.staff.consolidation_views import candidacy_results
from acquis.www.staff.dossier_actions import ACTIONS
from acquis.www.staff.email_views import EMAILS_SHOWN
from acquis.www.staff.grid_pdf_views import printable_grids

PAGE_SIZE = 50


CANDIDACY_COLUMNS = [
    sorting.Column("nom", "Candidat", name_keys("candidate__")),
    sorting.Column("naissance", "Naissance", ("candidate__birth_date",)),
    sorting.Column("voie", "Voie", ("pathway",)),
    sorting.Column("promotion", "Promotion", ("cohort__name",)),
    sorting.Column("partenaire", "Partenaire", ("partner__name",)),
    sorting.Column("inscription", "Inscription", ("registered_on",)),
    sorting.Column("etat", "État", ("status",)),
]


def filter_candidacies(queryset, data: dict):
    """The candidacies matching the list's search and filters (a valid FilterForm's data)."""
    if data.get("q"):
        queryset = search.search(
            queryset, data["q"], field="candidate__search_text", extra=candidacy_number
        )
    if data.get("etat"):
        queryset = queryset.filter(status=data["etat"])
    if data.get("voie"):
        queryset = queryset.filter(pathway=data["voie"])
    if data.get("promotion"):
        queryset = queryset.filter(cohort=data["promotion"])
    if data.get("session"):
        # A subquery, not a join: a candidacy with two slots in the session is listed once.
        slots = Slot.objects.filter(session=data["session"]).values("candidacy_id")
        queryset = queryset.filter(pk__in=slots)
    if data.get("inscrit_du"):
        queryset = queryset.filter(registered_on__gte=data["inscrit_du"])
    if data.get("inscrit_au"):
        queryset = queryset.filter(registered_on__lte=data["inscrit_au"])
    return queryset


@staff_required
def candidacy_list(request):
    cohorts = access.cohorts(request.user)
    sessions = EvaluationSession.objects.filter(
        certifier__in=access.certifier_ids(request.user)
    ).order_by("-date", "-pk")
    filters = f.FilterForm(request.GET or None, cohorts=cohorts, sessions=sessions)
    sorter = sorting.sorter(request, CANDIDACY_COLUMNS)
    queryset = access.candidacies(request.user)
    if filters.is_valid():
        queryset = filter_candidacies(queryset, filters.cleaned_data)
    queryset = sorter.order_by(queryset, (*name_order("candidate__"), "pk"))
    # Paginate on ids (a narrow sort), then load the 50 rows with everything they show.
    pager = paginate(request, queryset.values_list("pk", flat=True), per_page=PAGE_SIZE)
    page = pager.page
    # Only the columns the list shows (the version's JSON decoded three times per row was
    # half the CPU of the page; every column of four tables, a third of what was left).
    rows = Candidacy.objects.list_rows().in_bulk(list(page.object_list))
    page.object_list = [rows[pk] for pk in page.object_list]
    return render(
        request,
        "www/staff/candidates/list.html",
        {"page": page, "pager": pager, "filters": filters, "sorter": sorter},
    )


@staff_required
@access.certifier_chosen(on_get=True)
def candidate_new(request):
    form = f.CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidate = services.create_candidate(
                certifier=access.current_certifier(request),
                data=form.cleaned_data,
                actor=request.user,
            )
        except AcquisError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"Candidat {candidate.full_name} enregistré.")
            return redirect("staff:candidate", pk=candidate.pk)
    return render(request, "www/staff/candidates/candidate_form.html", {"form": form})


@staff_required
def candidate_detail(request, pk):
    candidate = access.get_or_404(access.candidates(request.user), pk=pk)
    candidacies = candidate.candidacies.with_list_data()
    return render(
        request,
        "www/staff/candidates/candidate.html",
        {
            "candidate": candidate,
            "candidacies": candidacies,
            "portal": portal.portal_status(candidate),
        },
    )


@staff_required
@require_POST
def candidate_open_portal(request, pk):
    """« Ouvrir l'espace candidat »: invite the candidate and link the account to her
    dossier (again while the invitation is pending: a new link is sent)."""
    candidate = access.get_or_404(access.candidates(request.user), pk=pk)
    try:
        user = portal.give_portal_access(candidate, actor=request.user)
    except AcquisError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"Invitation envoyée à {user.email} : {candidate.full_name} choisit son mot de "
            "passe avec le lien reçu et arrive dans son espace candidat.",
        )
    return redirect(_back_to(request, candidate))


def _back_to(request, candidate) -> str:
    """The dossier the button was pressed on (a candidacy of this candidate), else the
    candidate's page."""
    candidacy = request.POST.get("candidature", "")
    if candidacy.isdigit() and candidate.candidacies.filter(pk=int(candidacy)).exists():
        return reverse("staff:candidacy", args=[int(candidacy)]) + "#espace-candidat"
    return reverse("staff:candidate", args=[candidate.pk]) + "#espace-candidat"


@staff_required
def candidate_edit(request, pk):
    candidate = access.get_or_404(access.candidates(request.user), pk=pk)
    initial = {field: getattr(candidate, field) for field in services.IDENTITY_FIELDS}
    form = f.CandidateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_candidate(candidate, data=form.cleaned_data, actor=request.user)
        except AcquisError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "Identité mise à jour.")
            return redirect("staff:candidate", pk=candidate.pk)
    return render(
        request,
        "www/staff/candidates/candidate_form.html",
        {"form": form, "candidate": candidate},
    )


@staff_required
def candidacy_new(request, pk):
    candidate = access.get_or_404(access.candidates(request.user), pk=pk)
    form = f.CandidacyForm(
        request.POST or None,
        versions=access.published_versions(request.user),
        cohorts=access.cohorts(request.user),
        partners=access.partners(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            candidacy = services.register_candidacy(
                candidate=candidate,
                version=data["version"],
                pathway=data["pathway"],
                access_mode=data["access_mode"],
                vae_route=data["vae_route"],
                block_codes=data["blocks"] or None,
                cohort=data["cohort"],
                partner=data["partner"],
                registered_on=data["registered_on"],
                actor=request.user,
            )
        except AcquisError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "Candidature enregistrée.")
            return redirect("staff:candidacy", pk=candidacy.pk)
    return render(
        request,
        "www/staff/candidates/candidacy_form.html",
        {"form": form, "candidate": candidate},
    )


@staff_required
def candidacy_detail(request, pk):
    candidacy = access.get_or_404(
        access.candidacies(request.user).with_list_data().prefetch_related(
            "blocks", "placements__periods", "admissibility_requests__document",
            "validation_files__document", "accommodations",
        ),
        pk=pk,
    )  # fmt: skip
    context = {
        "candidacy": candidacy,
        "candidate": candidacy.candidate,
        "moves": services.allowed_moves(candidacy),
        "jury_missing": _jury_missing(candidacy),
        "placement": services.placement_summary(candidacy),
        "memoir": services.memoir_summary(candidacy),
        "history": AuditEvent.objects.for_object(candidacy).select_related("actor"),
        "forms": _dossier_forms(candidacy),
        "results": candidacy_results(candidacy),
        "jury_decisions": _jury_decisions(candidacy),
        "printable_grids": printable_grids(candidacy),
        "portal": portal.portal_status(candidacy.candidate),
        "emails": candidacy.emails.all()[:EMAILS_SHOWN],
    }
    return render(request, "www/staff/candidates/candidacy.html", context)


def _jury_missing(candidacy: Candidacy) -> list[str]:
    """What "Présenter au jury" would list as missing (only when it is offered)."""
    if not any(verb == "send_to_jury" for _, verb, _ in services.allowed_moves(candidacy)):
        return []
    return hooks.missing_for_jury(candidacy)


def _jury_decisions(candidacy: Candidacy):
    """Every jury decision of the candidacy, corrections included (two queries)."""
    return (
        Decision.objects.filter(candidacy=candidacy)
        .select_related("deliberation", "corrects__deliberation")
        .prefetch_related("blocks__block")
        .order_by("deliberation__date", "pk")
    )


def _dossier_forms(candidacy: Candidacy) -> dict:
    return {
        "move": f.MoveForm(),
        "upload": f.UploadForm(),
        "placement": f.PlacementForm(),
        "period": f.PeriodForm(),
        "accommodation": f.AccommodationForm(),
        "admissibility": f.DecisionForm(choices=f.ADMISSIBILITY_CHOICES),
        "validation_file": f.DecisionForm(choices=f.VALIDATION_FILE_CHOICES),
    }


@staff_required
@require_POST
def candidacy_action(request, pk, action):
    """One endpoint for the dossier's actions; each runs one domain verb."""
    candidacy = access.get_or_404(access.candidacies(request.user), pk=pk)
    handler = ACTIONS.get(action)
    if handler is None:
        return redirect("staff:candidacy", pk=pk)
    if _presenting_to_jury(candidacy, action, request) and not confirm.confirmed(request):
        return _confirm_jury(request, candidacy)
    anchor, form, message = handler(request, candidacy)
    if form is None:
        messages.success(request, message)
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label} : {error}" if label else error)
    return redirect(reverse("staff:candidacy", args=[pk]) + f"#{anchor}")


def _presenting_to_jury(candidacy, action, request) -> bool:
    if action != "etat" or request.POST.get("to_status") != CandidacyStatus.AWAITING_JURY:
        return False
    return any(
        to == CandidacyStatus.AWAITING_JURY and verb == "send_to_jury"
        for to, verb, _ in services.allowed_moves(candidacy)
    )


def _confirm_jury(request, candidacy):
    """« Présenter au jury » : what it means, and what is missing (the guard)."""
    missing = hooks.missing_for_jury(candidacy)
    override = (request.POST.get("override_reason") or "").strip()
    warnings = []
    if missing:
        warnings.append("Pièces ou étapes manquantes : " + " ; ".join(missing) + ".")
        warnings.append(
            f"Dérogation motivée : « {override} » (conservée dans l'historique avec la liste)."
            if override
            else "Sans motif de dérogation, la présentation sera refusée : revenez au dossier "
            "pour compléter les pièces ou saisir le motif."
        )
    return confirm.ask(
        request,
        title=f"Présenter {candidacy.candidate.full_name} au jury ?",
        consequences=[
            "La candidature passe à l'état « En attente du jury » : elle peut être ajoutée "
            "à une délibération du jury de certification.",
            "Le jury statue sur le parcours tel qu'il est au dossier (période de mise en "
            "application, mémoire, épreuves).",
        ],
        warnings=warnings,
        button="Confirmer : présenter au jury",
        back_url=reverse("staff:candidacy", args=[candidacy.pk]),
        keep=("to_status", "override_reason"),
        staff_menu=True,
    )


@staff_required
@access.certifier_chosen
def cohort_list(request):
    versions = access.published_versions(request.user)
    form = f.CohortForm(request.POST or None, versions=versions)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_cohort(
                certifier=access.current_certifier(request),
                actor=request.user,
                **form.cleaned_data,
            )
        except AcquisError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"Promotion « {form.cleaned_data['name']} » créée.")
            return redirect("staff:cohorts")
    cohorts = access.light_versions(
        access.cohorts(request.user).select_related("version", "certifier"), "version__"
    )
    # A user of several certifiers sees them all: each promotion says whose it is.
    several = access.scope(request).has_choice
    context = {"cohorts": cohorts, "form": form, "several": several}
    return render(request, "www/staff/candidates/cohorts.html", context)


@staff_required
@require_POST
def cohort_invite(request, pk):
    """« Inviter les candidats de la promotion »: every candidate without an active space."""
    cohort = access.get_or_404(access.cohorts(request.user), pk=pk)
    result = portal.invite_cohort(cohort, actor=request.user)
    count = len(result.invited)
    if count:
        messages.success(
            request,
            f"Promotion « {cohort.name} » : {count} invitation{'s' if count > 1 else ''} "
            f"envoyée{'s' if count > 1 else ''}.",
        )
    elif not result.refused:
        messages.info(
            request,
            f"Promotion « {cohort.name} » : aucune invitation à envoyer, chaque candidat a "
            "déjà son espace actif.",
        )
    for candidate, reason in result.refused:
        messages.warning(request, f"{candidate.full_name} n'est pas invité : {reason}")
    return redirect("staff:cohorts")
