"""Staff screens of the certification jury (/gestion/deliberations/): prepare a deliberation,
compose its jury (the referential's rules checked on every display), list its candidates,
open it, and deliberate; the same deliberation screen serves the jury members
(acquis/www/jury/deliberation_views.py).

Who records decisions while the deliberation is open: the certifier's exam manager or
administrator (who often keeps the pen during the sitting) and every present jury member;
each decision is audited with its author. Each action runs one juries verb; a refusal is
shown with its French message, next to the candidate for a decision.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib import messages
from django.db.models import F, Func, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from acquis.candidates.models import Cohort
from acquis.dates import short_date
from acquis.errors import AcquisError
from acquis.juries import (
    composition,
    corrections,
    decisions,
    deliberations,
    engine,
    evidence,
    minutes,
    standing,
)
from acquis.juries.enums import DecisionKind, DeliberationStatus
from acquis.juries.models import Decision, Deliberation, DeliberationCandidate
from acquis.organisations.models import User
from acquis.referential import provenance
from acquis.www import confirm, sorting
from acquis.www.pagination import paginate
from acquis.www.perms import staff_required
from acquis.www.staff import access
from acquis.www.staff import deliberation_forms as f

S = DeliberationStatus
RESULT_LABELS = {True: "acquise", False: "non acquise", None: "sans résultat"}


# --- the deliberation screen (shared with the jury portal) ----------------------------------


@dataclass
class Posted:
    """A refused decision: what was posted for one candidate, and why it was refused."""

    candidacy_id: int
    kind: str = ""
    blocks: set = field(default_factory=set)
    reason: str = ""
    further_evidence: str = ""
    correction_reason: str = ""
    message: str = ""
    problems: list = field(default_factory=list)


@dataclass
class BlockLine:
    code: str
    title: str
    status: str  # the proposed result: "acquis" / "non acquis" / "incomplet"
    summary: str  # "5 / 5 acquise(s)"
    competencies: str  # "C1.1 acquise ; C1.2 non acquise…" (built here: 7,200 for 300)
    held: str  # "Non" / "Oui, acquis définitivement"
    checked: bool


@dataclass
class Card:
    """One candidate on the screen, as plain values: the template only prints them (the
    screen of 300 candidates renders in a fraction of a second)."""

    file: object  # evidence.CandidateFile
    name: str
    scope: str
    blocks: list
    facts: list  # [(label, text)]
    kind: str
    reason: str
    further_evidence: str
    correction_reason: str
    deadline: date
    decide_url: str
    proposal: str
    decision: str
    corrects: str = ""
    refusal: Posted | None = None
    aside: list = field(default_factory=list)  # [standing.StandAside]
    blocked: list = field(default_factory=list)  # why this jury cannot decide on them

    @property
    def anchor(self) -> str:
        return f"candidat-{self.file.entry.pk}"

    @property
    def proposal_label(self) -> str:
        proposal = self.file.proposal
        if proposal.postpone:
            return "Ajournement"
        return kind_label(proposal.kind, proposal.title)

    @property
    def decision_label(self) -> str:
        decision = self.file.decision
        return kind_label(decision.kind, decision.title_awarded) if decision else ""


def kind_label(kind: str, title: bool) -> str:
    """ "Validation totale (titre)" / "Validation totale des blocs visés" / the kind."""
    label = DecisionKind(kind).label
    if kind != DecisionKind.TOTAL:
        return label
    return f"{label} (titre attribué)" if title else f"{label} des blocs visés (sans le titre)"


def _competencies(result) -> tuple[str, int]:
    parts, acquired = [], 0
    for competency, outcome in result.rows:
        value = None if outcome is None else outcome.acquired
        acquired += value is True
        parts.append(f"{competency.code} {RESULT_LABELS[value]}")
    return " ; ".join(parts), acquired


def _line(row, checked: bool) -> BlockLine:
    text, acquired = _competencies(row.result)
    held = "Oui, acquis définitivement" if row.held else "Non"
    title = row.block.title
    return BlockLine(
        code=row.block.code,
        title=title if len(title) <= 60 else title[:59] + "…",
        status=row.status,
        summary=f"{acquired} / {len(row.result.rows)} acquise(s)",
        competencies=text,
        held=held,
        checked=checked,
    )


def _oral(oral) -> str:
    if oral is None:
        return "Non passé"
    if oral.outcome is None:
        result = "Consolidé, résultats par compétence"
    else:
        result = "Réussi" if oral.outcome else "Non réussi"
    return f"{result} ({oral.slot.assessment.code}, {short_date(oral.recorded_at)})"


def _facts(file) -> list[tuple[str, str]]:
    """The pathway's evidence the engine uses: work placement days and attestation, memoir
    checked and its oral, VAE steps, held blocks."""
    facts = []
    required = file.required_placement_days
    if required:
        reached = "atteint" if file.placement_days >= required else "insuffisant"
        facts.append(
            (
                "Période d'application professionnelle",
                f"{file.placement_days} jour(s) sur {required} exigés ({reached})",
            )
        )
        facts.append(
            (
                "Attestation de la période",
                "Déposée" if file.placement_attestation else "Non déposée",
            )
        )
    memoir = file.memoir
    if memoir.required or memoir.oral_required:
        facts.append(("Mémoire", _memoir_text(memoir)))
        facts.append(("Oral du mémoire", _oral(memoir.oral)))
    vae = file.vae
    if vae is not None:
        request, vfile = vae.admissibility, vae.validation_file
        facts.append(
            (
                "Recevabilité",
                (request.get_decision_display() or "En cours d'examen")
                if request
                else "Aucune demande",
            )
        )
        facts.append(
            (
                "Dossier de validation",
                (vfile.get_decision_display() or "En cours d'examen") if vfile else "Non déposé",
            )
        )
        facts.append(("Oral VAE", _oral(vae.oral)))
    held = [f"{row.block_code} (décision du {short_date(row.granted_on)})" for row in file.held]
    facts.append(
        ("Blocs acquis définitivement (décisions antérieures)", " ; ".join(held) or "Aucun")
    )
    return facts


def _memoir_text(memoir) -> str:
    if not memoir.submitted:
        return "Non déposé"
    text = f"Déposé ; {memoir.parts_confirmed} partie(s) confirmée(s) sur {memoir.parts_required}"
    if memoir.parts_missing:
        text += f", {memoir.parts_missing} signalée(s) manquante(s)"
    return text + (" (confirmé)" if memoir.confirmed else " (à compléter)")


def _decision_text(file) -> str:
    decision = file.decision
    entry = file.entry
    if decision is None and entry.postponed_at is not None:
        author = entry.postponed_by or "—"
        when = timezone.localtime(entry.postponed_at)
        return (
            f"Ajournement enregistré : {entry.postponement_reason} — saisi par {author} le "
            f"{when:%d/%m/%Y %H:%M}. La candidature attend un autre jury."
        )
    if decision is None:
        return ""
    text = f"Décision enregistrée : {kind_label(decision.kind, decision.title_awarded)}"
    if file.departs:
        text += " (s'écarte de la proposition)"
    if decision.deadline:
        text += (
            f" — demandes de nouvelle validation possibles jusqu'au {short_date(decision.deadline)}"
        )
    author = decision.decided_by or "—"
    return (
        text
        + f" — saisie par {author} le {timezone.localtime(decision.decided_at):%d/%m/%Y %H:%M}."
    )


def _card(deliberation, file, decide_name, posted: Posted | None, corrected, sitting) -> Card:
    decision = file.decision
    if posted is not None:
        chosen = posted.blocks
        values = (posted.kind, posted.reason, posted.further_evidence, posted.correction_reason)
    elif decision is not None:
        chosen = {bd.block.code for bd in file.block_decisions if bd.validated}
        values = (
            decision.kind,
            decision.reason,
            decision.further_evidence,
            decision.correction_reason,
        )
    elif file.entry.postponed_at is not None:
        chosen = set()
        values = (f.POSTPONE, file.entry.postponement_reason, "", "")
    else:
        chosen = {code for code, value in file.proposal.blocks.items() if value}
        kind = f.POSTPONE if file.proposal.postpone else file.proposal.kind
        values = (kind, "", "", "")
    lines = [_line(row, row.block.code in chosen) for row in file.blocks]
    candidacy = file.candidacy
    scope = (
        "titre complet"
        if candidacy.whole_title
        else "blocs visés : " + ", ".join(line.code for line in lines)
    )
    proposal = kind_label(file.proposal.kind, file.proposal.title)
    if engine.decision_blockers(file.evidence):
        proposal = "Ajournement : ce jury ne peut rien décider pour ce candidat (voir ci-dessous)"
    elif file.proposal.postpone:
        proposal = (
            "Ajournement : aucune validation ne peut être prononcée maintenant (seuls un refus "
            "motivé ou un ajournement sont possibles, voir ci-dessous)"
        )
    if file.proposal.deadline:
        until = short_date(file.proposal.deadline)
        proposal += f" (demandes de nouvelle validation possibles jusqu'au {until})"
    old = corrected.get(candidacy.pk)
    return Card(
        file=file,
        name=candidacy.candidate.full_name,
        scope=f"{candidacy.get_pathway_display()} · {scope}",
        blocks=lines,
        facts=_facts(file),
        kind=values[0],
        reason=values[1],
        further_evidence=values[2],
        correction_reason=values[3],
        deadline=engine.partial_deadline(file.evidence),
        decide_url=reverse(decide_name, args=[deliberation.pk, candidacy.pk]),
        proposal=proposal,
        decision=_decision_text(file),
        corrects=(
            f"Correction de la décision du {short_date(old.deliberation.date)} "
            f"({old.get_kind_display().lower()})."
            if old
            else ""
        ),
        refusal=posted,
        aside=sitting.aside if sitting else [],
        blocked=sitting.problems if sitting else [],
    )


def screen_context(deliberation, *, decide_name: str, can_decide: bool, posted=None) -> dict:
    """What the deliberation screen shows: one card per candidate, from evidence.gather
    (a constant number of queries), and the summary table's counts."""
    files = evidence.gather(deliberation)
    sittings = standing.standings(deliberation, [file.candidacy for file in files])
    corrected = {}
    if files and corrections.is_correction(deliberation):
        # A correction deliberation lists one candidacy or a few: one lookup each.
        for file in files:
            corrected[file.candidacy.pk] = corrections.corrected_decision(
                deliberation, file.candidacy
            )
    cards = [
        _card(
            deliberation,
            file,
            decide_name,
            posted if posted and posted.candidacy_id == file.candidacy.pk else None,
            corrected,
            sittings.get(file.candidacy.pk),
        )
        for file in files
    ]
    return {
        "cards": cards,
        "can_decide": can_decide and deliberation.status == S.OPEN,
        "decided_count": sum(1 for card in cards if card.file.decision is not None),
        "waiting_count": sum(1 for card in cards if card.blocked),
        "rules_applied": provenance.deliberation_rules(deliberation.version.rules or {}),
        "decision_kinds": f.DECISION_CHOICES,
        "postponed_count": sum(1 for card in cards if card.file.entry.postponed_at),
        "refused_card": next((c for c in cards if c.refusal is not None), None),
    }


def record_decision(request, deliberation, candidacy_pk, *, rerender, page_url):
    """The decide endpoint of both audiences: one candidate's form → decisions.decide."""
    entry = (
        deliberation.entries.filter(candidacy_id=candidacy_pk)
        .select_related("candidacy__candidate")
        .first()
    )
    if entry is None:
        raise Http404("Candidat introuvable sur cette délibération.")
    candidacy = entry.candidacy
    codes = list(candidacy.blocks.order_by("position").values_list("code", flat=True))
    form = f.DecisionForm(request.POST, block_codes=codes)
    posted = Posted(
        candidacy_id=candidacy.pk,
        kind=request.POST.get("kind", ""),
        blocks=set(request.POST.getlist("blocks")),
        reason=request.POST.get("reason", ""),
        further_evidence=request.POST.get("further_evidence", ""),
        correction_reason=request.POST.get("correction_reason", ""),
    )
    if not form.is_valid():
        posted.message = "Décision non enregistrée : corrigez les points signalés."
        posted.problems = [error for errors in form.errors.values() for error in errors]
        return rerender(posted)
    data = form.cleaned_data
    if data["kind"] == f.POSTPONE:
        return _postpone(request, deliberation, entry, data, posted, rerender, page_url)
    try:
        corrections.record(
            deliberation,
            candidacy,
            blocks=form.blocks_map(),
            kind=data["kind"],
            reason=data["reason"],
            further_evidence=data["further_evidence"],
            correction_reason=data["correction_reason"],
            actor=request.user,
        )
    except AcquisError as exc:
        posted.message = str(exc)
        posted.problems = [getattr(p, "message", p) for p in exc.problems]
        return rerender(posted)
    messages.success(
        request,
        f"Décision enregistrée pour {candidacy.candidate.full_name} : "
        f"{DecisionKind(data['kind']).label.lower()}.",
    )
    return redirect(f"{page_url}#candidat-{entry.pk}")


def _postpone(request, deliberation, entry, data, posted, rerender, page_url):
    candidacy = entry.candidacy
    try:
        decisions.postpone(deliberation, candidacy, reason=data["reason"], actor=request.user)
    except AcquisError as exc:
        posted.message = str(exc)
        posted.problems = [getattr(p, "message", p) for p in exc.problems]
        return rerender(posted)
    messages.success(
        request,
        f"Ajournement enregistré pour {candidacy.candidate.full_name} : la candidature attend "
        "un autre jury.",
    )
    return redirect(f"{page_url}#candidat-{entry.pk}")


# --- list and creation ----------------------------------------------------------------------


def _count(model, field: str):
    """The number of `model` rows whose `field` is the outer row (a correlated subquery)."""
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(rows.annotate(n=Func(F("pk"), function="COUNT")).values("n")), 0)


def _deliberations(user):
    return Deliberation.objects.filter(certifier__in=access.certifiers(user)).select_related(
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
    versions = access.published_versions(request.user)
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
            return redirect("staff_deliberation", pk=deliberation.pk)
    filters = f.DeliberationFilterForm(request.GET or None)
    sorter = sorting.sorter(request, DELIBERATION_COLUMNS)
    rows = access.light_versions(_deliberations(request.user), "version__")
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
        context["candidate_form"] = forms.get("candidate") or f.CandidateForm(candidacies=eligible)
    if deliberation.status == S.OPEN:
        context["suspend_form"] = forms.get("suspend") or f.SuspendForm()
    if not prepared:
        context |= screen_context(
            deliberation,
            decide_name="staff_deliberation_decide",
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
        return redirect(reverse("staff_minutes", args=[deliberation.pk]))
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
            back_url=reverse("staff_deliberation", args=[pk]),
            staff_menu=True,
        )
    try:
        response = run(request, deliberation)
    except AcquisError as exc:
        deliberation.refresh_from_db()
        return _render(request, deliberation, refusal=exc, refused=refused)
    if response is not None:
        return response
    return redirect("staff_deliberation", pk=pk)


@staff_required
@require_POST
def deliberation_decide(request, pk, candidacy_pk):
    deliberation = _get(request, pk)
    page = reverse("staff_deliberation", args=[pk])

    def rerender(posted):
        deliberation.refresh_from_db()
        return _render(request, deliberation, posted=posted)

    return record_decision(request, deliberation, candidacy_pk, rerender=rerender, page_url=page)
