"""The juror's slot page and own grid: open it, autosave one criterion (htmx), save the whole
form without JavaScript, submit it.

Permissions (jury.perms): the slot page and the grid page go through `juror_required` and
`assessed_slot` / `own_grid` (404 for anything not the juror's). The autosave
(`grid_mark`) is the hot path, measured by bench/bench_grid_autosave.py: instead of
`juror_required` (two queries: the juror record, then the membership) it saves through
`grids.save_mark_for_user`, one UPDATE that also proves the grid is the user's and the juror
role (owning the grid proves the juror record, not the role, and an account whose juror role
was removed must not save): session, user, UPDATE. Only when that UPDATE matches nothing are
the reasons read (`grids.juror_grid_access`, then the mark), and only when the grid is not
found does the view pay for `juror_profile`, to answer 403 (not a juror) rather than 404 (not
your grid). Malformed input is refused (422) only after the same access check, as before.

Every criterion is its own unit of saving, with its own revision (grids.save_mark): the
whole-form save (no JavaScript) checks every posted value first (no write on bad input),
then saves the criteria that changed one by one and lists those that conflicted.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from acquis.errors import AcquisError
from acquis.evaluations import grids
from acquis.evaluations.enums import GridStatus
from acquis.evaluations.exceptions import EvaluationError
from acquis.evaluations.models import Grid, GridMark, SlotAssessor
from acquis.www import confirm
from acquis.www.jury.perms import assessed_slot, juror_required, own_grid
from acquis.www.perms import juror_profile

ACQUIRED = {"oui": True, "non": False, "": None}
ACQUIRED_LABEL = {True: "Acquis", False: "Non acquis", None: "Non renseigné"}


# --- the slot page -------------------------------------------------------------------------


def _slot_context(slot, juror) -> dict:
    links = SlotAssessor.objects.filter(slot=slot).select_related("juror__user").order_by("pk")
    # Status only: another juror's grid content stays hidden until consolidation.
    states = {
        g.juror_id: g
        for g in Grid.objects.filter(slot=slot).only("pk", "juror_id", "status", "submitted_at")
    }
    return {
        "slot": slot,
        "competencies": slot.assessment.competencies.select_related("block").order_by(
            "block__position", "position"
        ),
        "own_criteria": slot.assessment.own_criteria.order_by("position"),
        "blocks": slot.candidacy.blocks.order_by("position"),
        "accommodations": slot.candidacy.accommodations.filter(withdrawn_at__isnull=True).order_by(
            "recorded_at", "pk"
        ),
        "assessors": [(link.juror, states.get(link.juror_id)) for link in links],
        "own": states.get(juror.pk),
    }


@require_GET
@juror_required
def slot_detail(request, pk):
    slot = assessed_slot(request.juror, pk)
    return render(request, "www/jury/slot.html", _slot_context(slot, request.juror))


@juror_required
@require_POST
def grid_open(request, pk):
    slot = assessed_slot(request.juror, pk)
    try:
        grid = grids.ensure_grid(slot, request.juror)
    except AcquisError as exc:
        context = _slot_context(slot, request.juror) | {"error": str(exc)}
        return render(request, "www/jury/slot.html", context)
    return redirect("jury:grid", grid.pk)


# --- reading what the juror posted ----------------------------------------------------------


@dataclass
class Posted:
    acquired: bool | None
    comment: str
    revision: int


def _posted(data, mark_pk) -> Posted | None:
    """One criterion's posted values; None when absent; EvaluationError when malformed."""
    revision = data.get(f"revision-{mark_pk}")
    if revision is None:
        return None
    acquired = data.get(f"acquis-{mark_pk}", "")
    if acquired not in ACQUIRED or not revision.isdigit():
        raise EvaluationError("Saisie invalide : rechargez la page et recommencez.")
    comment = data.get(f"commentaire-{mark_pk}", "").replace("\r\n", "\n")
    if len(comment.strip()) > grids.COMMENT_MAX:
        raise EvaluationError(f"Commentaire : {grids.COMMENT_MAX} caractères au plus.")
    return Posted(ACQUIRED[acquired], comment, int(revision))


# --- rendering a grid -----------------------------------------------------------------------


@dataclass
class Row:
    """A criterion as shown: the stored mark, and what went wrong with the juror's input."""

    mark: GridMark
    conflict: str = ""
    attempted: Posted | None = None
    problem: str = ""

    @property
    def justification_required(self) -> bool:
        return self.mark.acquired is False

    @property
    def attempted_label(self) -> str:
        return ACQUIRED_LABEL[self.attempted.acquired] if self.attempted else ""


def _groups(rows, assessment) -> list[tuple[str, str, list[Row]]]:
    """Rows grouped by competency (code, statement), or under the final oral's own title."""
    groups: list[tuple[str, str, list[Row]]] = []
    for row in rows:
        competency = row.mark.criterion.competency
        code, title = (
            (competency.code, competency.statement)
            if competency is not None
            else (assessment.code, assessment.title)
        )
        if not groups or groups[-1][0] != code:
            groups.append((code, title, []))
        groups[-1][2].append(row)
    return groups


def _render_grid(request, grid, *, failures=None, problems=None, error="", status=200):
    failures = failures or {}
    problems = problems or {}
    marks = grid.marks.select_related("criterion__competency").order_by("position")
    rows = []
    for mark in marks:
        conflict, attempted = failures.get(mark.pk, ("", None))
        rows.append(Row(mark, conflict, attempted, problems.get(mark.pk, "")))
    writable = grids.GridAccess(grid.pk, grid.status, grid.slot.status).writable
    context = {
        "grid": grid,
        "slot": grid.slot,
        "groups": _groups(rows, grid.slot.assessment),
        "writable": writable,
        "progress": {"total": len(rows), "done": sum(r.mark.acquired is not None for r in rows)},
        "conflicts": [r for r in rows if r.conflict],
        "problems": [r for r in rows if r.problem],
        "error": error,
        "intact": grids.is_intact(grid) if grid.status == GridStatus.SUBMITTED else None,
    }
    return render(request, "www/jury/grid.html", context, status=status)


def _save_posted(grid, data) -> dict:
    """Save every posted criterion that differs from what is stored; {mark pk: (message,
    attempted)} for the refused ones. Malformed input raises before any write."""
    marks = list(grid.marks.order_by("position"))
    posted = [(mark, _posted(data, mark.pk)) for mark in marks]
    access = grids.grid_access(grid.pk, grid.juror.user_id)
    failures = {}
    for mark, values in posted:
        if values is None or (values.acquired, values.comment.strip()) == (
            mark.acquired,
            mark.comment,
        ):
            continue
        try:
            grids.save_mark(
                access,
                mark.pk,
                acquired=values.acquired,
                comment=values.comment,
                revision=values.revision,
            )
        except grids.GridLocked as exc:
            return {mark.pk: (str(exc), values)}
        except AcquisError as exc:
            failures[mark.pk] = (str(exc), values)
    return failures


# --- the grid page, its whole-form save and its submission -----------------------------------


@require_http_methods(["GET", "POST"])
@juror_required
def grid_detail(request, pk):
    grid = own_grid(request.juror, pk)
    if request.method == "GET":
        return _render_grid(request, grid)
    try:
        failures = _save_posted(grid, request.POST)
    except AcquisError as exc:
        return _render_grid(request, grid, error=str(exc), status=422)
    if failures:
        return _render_grid(request, grid, failures=failures, status=409)
    messages.success(request, "Grille enregistrée.")
    return redirect("jury:grid", grid.pk)


def _problems_by_mark(grid) -> dict:
    """The submission problems of each criterion (grids.mark_problems, one mark at a time)."""
    marks = grid.marks.select_related("criterion").order_by("position")
    return {m.pk: problem for m in marks for problem in grids.mark_problems([m])}


@juror_required
@require_POST
def grid_submit(request, pk):
    grid = own_grid(request.juror, pk)
    try:
        # Without JavaScript, the criteria come with the submit button: save them first.
        failures = _save_posted(grid, request.POST)
    except AcquisError as exc:
        return _render_grid(request, grid, error=str(exc), status=422)
    if failures:
        return _render_grid(request, grid, failures=failures, status=409)
    if not confirm.confirmed(request) and _ready(grid):
        # What was posted is saved: the confirmation only has to say what remitting means.
        return confirm.ask(
            request,
            title="Remettre votre grille ?",
            consequences=[
                "Votre grille est remise telle qu'elle est enregistrée : vous ne pourrez "
                "plus la modifier.",
                "Le responsable des épreuves et les autres évaluateurs la voient pour la "
                "consolidation des résultats du candidat.",
            ],
            button="Confirmer la remise de ma grille",
            back_url=reverse("jury:grid", args=[grid.pk]),
        )
    try:
        grid = grids.submit_grid(grid, actor=request.user)
    except AcquisError as exc:
        grid.refresh_from_db()
        problems = _problems_by_mark(grid) if exc.problems else {}
        return _render_grid(request, grid, problems=problems, error=str(exc), status=422)
    submitted = timezone.localtime(grid.submitted_at)
    messages.success(
        request, f"Grille remise le {submitted:%d/%m/%Y à %H:%M:%S} : elle ne change plus."
    )
    return redirect("jury:grid", grid.pk)


def _ready(grid) -> bool:
    """Complete and justified: otherwise the refusal (with the criteria) comes at once."""
    marks = grid.marks.select_related("criterion").order_by("position")
    return grid.status == GridStatus.DRAFT and not grids.mark_problems(list(marks))


# --- the autosave of one criterion (htmx) ----------------------------------------------------


def _fragment(status, template, context, headers=None) -> HttpResponse:
    # No request context: no context processor runs for a fragment (the autosave stays lean).
    return HttpResponse(render_to_string(template, context), status=status, headers=headers)


def _status_message(status, message, *, alert=True) -> HttpResponse:
    return _fragment(status, "www/jury/_mark.html", {"only_status": message, "alert": alert})


def grid_mark(request, pk, mark_pk):
    user = request.user
    if not user.is_authenticated:
        if request.headers.get("HX-Request"):  # htmx would follow a 302 and swap the login page
            login = f"{reverse('accounts:login')}?next={reverse('jury:grid', args=[pk])}"
            return HttpResponse(status=401, headers={"HX-Redirect": login})
        return redirect_to_login(request.get_full_path())
    if request.method != "POST":
        if juror_profile(user) is None:
            raise PermissionDenied("Réservé aux membres de jury d'évaluation.")
        return HttpResponseNotAllowed(["POST"])
    try:
        try:
            posted = _posted(request.POST, mark_pk)
            if posted is None:
                raise EvaluationError("Saisie invalide : rechargez la page et recommencez.")
        except AcquisError:
            # Refused without writing, but not before the access check (404 / 403 first).
            if grids.juror_grid_access(pk, user.pk) is None:
                raise grids.GridNotFound() from None
            raise
        revision = grids.save_mark_for_user(
            pk,
            mark_pk,
            user.pk,
            acquired=posted.acquired,
            comment=posted.comment,
            revision=posted.revision,
        )
    except grids.GridNotFound:
        if juror_profile(user) is None:
            raise PermissionDenied("Réservé aux membres de jury d'évaluation.") from None
        raise Http404("Grille introuvable.") from None
    except grids.GridConflict as exc:
        return _conflict(pk, mark_pk, str(exc), posted)
    except grids.GridLocked as exc:
        return _status_message(423, str(exc))
    except AcquisError as exc:
        return _status_message(422, str(exc))
    context = {
        "saved": True,
        "pk": mark_pk,
        "revision": revision,
        "acquired": posted.acquired,
        "at": timezone.localtime(),
    }
    return _fragment(200, "www/jury/_mark.html", context)


def _conflict(grid_pk, mark_pk, message, posted) -> HttpResponse:
    """409: the criterion as stored now, the conflict message and the refused input."""
    mark = GridMark.objects.select_related("criterion").get(pk=mark_pk, grid_id=grid_pk)
    row = Row(mark, message, posted)
    headers = {"HX-Retarget": f"#critere-{mark_pk}", "HX-Reswap": "outerHTML"}
    return _fragment(409, "www/jury/_mark.html", {"row": row, "grid_pk": grid_pk}, headers)
