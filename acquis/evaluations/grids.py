"""Verbs of a panel member's own grid: open it, save one criterion (autosave), submit it.

Optimistic locking: each criterion (GridMark) carries a `revision`. A save names the revision
it last saw; the UPDATE matches only that revision of an unlocked mark, in one statement on
one row, so a stale tab or a concurrent client changes nothing and gets a conflict (on
PostgreSQL the row lock makes the second writer re-check the condition on the new row).
Submission locks every mark and bumps its revision inside the same transaction: a save in
flight then finds nothing to update. A submitted grid never changes; its content hash is in
the audit chain.

Two ways to save a criterion: `save_mark` (a GridAccess already read: the demo, the no-JS
whole-form save) and `save_mark_for_user` (the htmx autosave, the hot path): one UPDATE
whose WHERE also proves, in an EXISTS, that the grid is the user's, writable and that the
user still holds the juror role; the reads that explain a refusal run only when it matched
nothing.
"""

import functools
import hashlib
import json
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from acquis.audit.services import record_event
from acquis.evaluations.enums import GridStatus, SessionStatus, SlotStatus
from acquis.evaluations.exceptions import EvaluationError
from acquis.evaluations.models import Grid, GridMark, JurorProfile, Slot, SlotAssessor
from acquis.organisations.enums import Role
from acquis.organisations.models import Membership
from acquis.referential.models import Criterion

COMMENT_MAX = 4000


class GridConflict(EvaluationError):
    """The criterion changed since this page loaded it (another tab or device)."""

    def __init__(self, mark: dict):
        super().__init__(
            "Ce critère a été modifié entre-temps (dans un autre onglet ou sur un autre "
            "appareil). Votre saisie n'a pas été enregistrée : la version enregistrée est "
            "affichée, reprenez à partir d'elle."
        )
        self.mark = mark


class GridLocked(EvaluationError):
    def __init__(self):
        super().__init__("Grille remise : elle ne peut plus être modifiée.")


class GridNotFound(EvaluationError):
    """No such grid of this user holding the juror role (the view answers 404, or 403 when
    the user is no juror at all)."""

    def __init__(self):
        super().__init__("Grille introuvable.")


def grid_criteria(slot: Slot) -> list[Criterion]:
    """The criteria of the slot's grid, in the referential's order.

    A sitting: every criterion of every competency it covers. A final oral: its own
    criteria (the memoir oral's default: the memoir's 7 parts); a final oral without own
    criteria (the VAE oral in the OPS referential): the criteria of the competencies of the
    blocks the candidate is registered for.
    """
    assessment = slot.assessment
    own = list(assessment.own_criteria.order_by("position"))
    if own:
        return own
    competencies = assessment.competencies.all()
    if assessment.final and not competencies.exists():
        criteria = Criterion.objects.filter(competency__block__in=slot.candidacy.blocks.all())
    else:
        criteria = Criterion.objects.filter(competency__in=competencies)
    return list(
        criteria.select_related("competency__block").order_by(
            "competency__block__position", "competency__position", "position"
        )
    )


def ensure_grid(slot: Slot, juror) -> Grid:
    """The juror's grid for this slot, created with one empty mark per criterion."""
    existing = Grid.objects.filter(slot=slot, juror=juror).first()
    if existing is not None:
        return existing
    if not SlotAssessor.objects.filter(slot=slot, juror=juror).exists():
        raise EvaluationError(f"{juror} n'évalue pas ce créneau.")
    slot = Slot.objects.select_related("session", "assessment", "candidacy").get(pk=slot.pk)
    if slot.session.status != SessionStatus.OPENED:
        raise EvaluationError(
            "La grille s'ouvre avec la session (état actuel : "
            f"« {slot.session.get_status_display()} »)."
        )
    if slot.status != SlotStatus.SCHEDULED:
        raise EvaluationError(f"Pas de grille : le créneau est « {slot.get_status_display()} ».")
    criteria = grid_criteria(slot)
    if not criteria:
        raise EvaluationError(f"L'épreuve {slot.assessment.code} n'a aucun critère d'évaluation.")
    try:
        with transaction.atomic():
            grid = Grid.objects.create(slot=slot, juror=juror)
            GridMark.objects.bulk_create(
                GridMark(grid=grid, criterion=c, position=i) for i, c in enumerate(criteria)
            )
    except IntegrityError:  # the same juror opened it in two tabs at once
        return Grid.objects.get(slot=slot, juror=juror)
    return grid


@dataclass(frozen=True)
class GridAccess:
    """What the autosave needs to know about a grid, read in one query."""

    grid_id: int
    status: str
    slot_status: str

    @property
    def writable(self) -> bool:
        return self.status == GridStatus.DRAFT and self.slot_status == SlotStatus.SCHEDULED


def grid_access(grid_id: int, user_id: int) -> GridAccess | None:
    """The grid if it is this user's own (None otherwise: the caller answers 404)."""
    row = (
        Grid.objects.filter(pk=grid_id, juror__user_id=user_id)
        .values_list("status", "slot__status")
        .first()
    )
    return None if row is None else GridAccess(grid_id, *row)


# Raw SQL of the autosave: identifiers only come from the models' metadata (quoted by the
# backend); every value is a query parameter.


def _col(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _juror_role_sql() -> str:
    """EXISTS: the user of juror record `j` holds the juror role (parameter) in its
    certifier."""
    return (
        f"EXISTS (SELECT 1 FROM {_table(Membership)} m "  # noqa: S608
        f"WHERE m.{_col(Membership, 'user')} = j.{_col(JurorProfile, 'user')} "
        f"AND m.{_col(Membership, 'organisation')} = j.{_col(JurorProfile, 'certifier')} "
        f"AND m.{_col(Membership, 'role')} = %s)"
    )


def _grid_joins_sql() -> str:
    """The grid `g`, its juror record `j` and its slot `s`."""
    return (
        f"{_table(Grid)} g "
        f"JOIN {_table(JurorProfile)} j "
        f"ON j.{_col(JurorProfile, 'id')} = g.{_col(Grid, 'juror')} "
        f"JOIN {_table(Slot)} s ON s.{_col(Slot, 'id')} = g.{_col(Grid, 'slot')}"
    )


@functools.cache
def _juror_grid_access_sql() -> str:
    # Parameters: grid id, user id, juror role.
    return (
        f"SELECT g.{_col(Grid, 'status')}, s.{_col(Slot, 'status')} "  # noqa: S608
        f"FROM {_grid_joins_sql()} "
        f"WHERE g.{_col(Grid, 'id')} = %s AND j.{_col(JurorProfile, 'user')} = %s "
        f"AND {_juror_role_sql()}"
    )


@functools.cache
def _save_mark_for_user_sql() -> str:
    # Parameters: acquired, comment, updated_at; the mark's own conditions: mark id, grid id,
    # revision, locked (false); the EXISTS: grid id, draft, scheduled, user id, juror role.
    # The mark's conditions stay on the target row itself, never in a subquery on the same
    # table: on PostgreSQL a writer that waited for a concurrent one's row lock re-checks
    # them on the new row version (EvalPlanQual), which is what makes the optimistic lock
    # hold. The EXISTS does not depend on the target row (uncorrelated: evaluated once).
    revision = _col(GridMark, "revision")
    return (
        f"UPDATE {_table(GridMark)} SET {_col(GridMark, 'acquired')} = %s, "  # noqa: S608
        f"{_col(GridMark, 'comment')} = %s, {revision} = {revision} + 1, "
        f"{_col(GridMark, 'updated_at')} = %s "
        f"WHERE {_col(GridMark, 'id')} = %s AND {_col(GridMark, 'grid')} = %s "
        f"AND {revision} = %s AND {_col(GridMark, 'locked')} = %s "
        f"AND EXISTS (SELECT 1 FROM {_grid_joins_sql()} "
        f"WHERE g.{_col(Grid, 'id')} = %s AND g.{_col(Grid, 'status')} = %s "
        f"AND s.{_col(Slot, 'status')} = %s AND j.{_col(JurorProfile, 'user')} = %s "
        f"AND {_juror_role_sql()})"
    )


def juror_grid_access(grid_id: int, user_id: int) -> GridAccess | None:
    """grid_access for a user who still holds the juror role in the certifier of their juror
    record, checked in the same single query (the autosave's only read).

    Owning the grid (juror__user_id) proves the juror record, not the role: an account
    whose juror role was removed keeps its JurorProfile and its grids, and must not save.
    The statement is written once in SQL (from the models' table and column names): built by
    the ORM on every call, this Exists query cost 0.67 ms of Python per autosave against
    0.03 ms (bench/bench_grid_autosave.py).
    """
    with connection.cursor() as cursor:
        cursor.execute(_juror_grid_access_sql(), [grid_id, user_id, str(Role.JUROR)])
        row = cursor.fetchone()
    return None if row is None else GridAccess(grid_id, *row)


def _clean_comment(access: GridAccess, comment: str) -> str:
    """The comment to store; GridLocked on a grid that is not writable any more."""
    if not access.writable:
        raise GridLocked()
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise EvaluationError(f"Commentaire : {COMMENT_MAX} caractères au plus.")
    return comment


def _refusal(grid_id: int, mark_id: int) -> EvaluationError:
    """Why a save of this mark matched no row: unknown mark, locked, or a newer revision
    (the conflict carries the stored values)."""
    current = (
        GridMark.objects.filter(pk=mark_id, grid_id=grid_id)
        .values("acquired", "comment", "revision", "locked")
        .first()
    )
    if current is None:
        return EvaluationError("Critère inconnu dans cette grille.")
    if current["locked"]:
        return GridLocked()
    return GridConflict(current)


def save_mark(
    access: GridAccess, mark_id: int, *, acquired: bool | None, comment: str, revision: int
) -> int:
    """Save one criterion if nobody changed it since `revision`; the new revision.

    Raises GridLocked on a submitted grid, GridConflict (with the stored values) when the
    mark moved on, EvaluationError when the mark is not in this grid.
    """
    comment = _clean_comment(access, comment)
    updated = GridMark.objects.filter(
        pk=mark_id, grid_id=access.grid_id, revision=revision, locked=False
    ).update(
        acquired=acquired,
        comment=comment,
        revision=F("revision") + 1,
        updated_at=timezone.now(),
    )
    if updated:
        return revision + 1
    raise _refusal(access.grid_id, mark_id)


_SQL_INT = 2**63  # the widest integer every backend binds (SQLite: OverflowError beyond)


def save_mark_for_user(
    grid_id: int,
    mark_id: int,
    user_id: int,
    *,
    acquired: bool | None,
    comment: str,
    revision: int,
) -> int:
    """save_mark for the user's own grid, checked inside the UPDATE itself: the autosave.

    One statement when it succeeds (bench/bench_grid_autosave.py): the UPDATE of the mark
    (its id, grid, `revision`, unlocked) with an EXISTS proving that the grid belongs to a
    juror record of this user, is a draft, its slot is scheduled, and the user holds the
    juror role in that record's certifier (what juror_grid_access + GridAccess.writable
    check). Only when it matches nothing are the reasons read, in the order of
    juror_grid_access + save_mark, so that every refusal is the one they give: GridNotFound
    (not the user's grid, or the juror role removed), GridLocked, the comment's length,
    unknown mark, GridConflict with the stored values.
    """
    cleaned = (comment or "").strip()
    attempted = len(cleaned) <= COMMENT_MAX and all(
        -_SQL_INT <= value < _SQL_INT for value in (grid_id, mark_id, revision)
    )
    if attempted:
        params = [
            acquired,
            cleaned,
            connection.ops.adapt_datetimefield_value(timezone.now()),
            mark_id,
            grid_id,
            revision,
            False,
            grid_id,
            str(GridStatus.DRAFT),
            str(SlotStatus.SCHEDULED),
            user_id,
            str(Role.JUROR),
        ]
        with connection.cursor() as cursor:
            cursor.execute(_save_mark_for_user_sql(), params)
            if cursor.rowcount == 1:
                return revision + 1
    access = juror_grid_access(grid_id, user_id)
    if access is None:
        raise GridNotFound()
    refusal = None
    if attempted:
        _clean_comment(access, comment)  # GridLocked
        refusal = _refusal(grid_id, mark_id)
    if refusal is None or (
        isinstance(refusal, GridConflict) and refusal.mark["revision"] == revision
    ):
        # Not tried (an overlong comment, an out-of-range number: the ORM's answer), or the
        # mark is still as named, so the grid's state changed between the two statements:
        # the verb itself, as before.
        return save_mark(access, mark_id, acquired=acquired, comment=comment, revision=revision)
    raise refusal


def mark_problems(marks) -> list[str]:
    """What prevents submitting: unanswered criteria, unjustified 'not acquired'."""
    problems = []
    for mark in marks:
        code = mark.criterion.code
        if mark.acquired is None:
            problems.append(f"Critère {code} : indiquez « acquis » ou « non acquis ».")
        elif mark.acquired is False and not mark.comment.strip():
            problems.append(f"Critère {code} : justifiez « non acquis » dans le commentaire.")
    return problems


def content_hash(marks) -> str:
    """SHA-256 of the grid as submitted: criterion code, acquired, comment, in order."""
    canonical = [[m.criterion.code, m.acquired, m.comment] for m in marks]
    data = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()


@transaction.atomic
def submit_grid(grid: Grid, *, actor=None) -> Grid:
    """Submit the juror's grid: complete, justified, then locked for good."""
    grid = (
        Grid.objects.select_for_update()
        .select_related("slot__session", "juror__user")
        .get(pk=grid.pk)
    )
    if grid.status != GridStatus.DRAFT:
        raise GridLocked()
    if grid.slot.session.status != SessionStatus.OPENED:
        raise EvaluationError("La session n'est pas ouverte : la grille ne peut être remise.")
    if grid.slot.status != SlotStatus.SCHEDULED:
        raise EvaluationError(
            f"Grille non remise : le créneau est « {grid.slot.get_status_display()} »."
        )
    marks = list(
        GridMark.objects.select_for_update()
        .filter(grid=grid)
        .select_related("criterion")
        .order_by("position")
    )
    problems = mark_problems(marks)
    if problems:
        raise EvaluationError("Grille incomplète : elle n'a pas été remise.", problems)
    GridMark.objects.filter(grid=grid).update(locked=True, revision=F("revision") + 1)
    grid.status = GridStatus.SUBMITTED
    grid.submitted_at = timezone.now()
    grid.content_hash = content_hash(marks)
    grid.save(update_fields=["status", "submitted_at", "content_hash"])
    record_event(
        "grid.submitted",
        grid,
        actor=actor,
        from_state=GridStatus.DRAFT,
        to_state=GridStatus.SUBMITTED,
        payload={
            "slot": grid.slot_id,
            "juror": grid.juror_id,
            "criteria": len(marks),
            "not_acquired": sum(1 for m in marks if m.acquired is False),
            "sha256": grid.content_hash,
        },
    )
    return grid


def is_intact(grid: Grid) -> bool:
    """The submitted grid still hashes to what was recorded at submission."""
    marks = grid.marks.select_related("criterion").order_by("position")
    return grid.status == GridStatus.SUBMITTED and content_hash(marks) == grid.content_hash


def grids_state(slot: Slot) -> tuple[int, int]:
    """(submitted grids, assessors) for the completion follow-up."""
    assessors = SlotAssessor.objects.filter(slot=slot).count()
    submitted = Grid.objects.filter(slot=slot, status=GridStatus.SUBMITTED).count()
    return submitted, assessors
