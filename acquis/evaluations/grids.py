"""Verbs of a panel member's own grid: open it, save one criterion (autosave), submit it.

Optimistic locking: each criterion (GridMark) carries a `revision`. A save names the revision
it last saw; the UPDATE matches only that revision of an unlocked mark, in one statement on
one row, so a stale tab or a concurrent client changes nothing and gets a conflict (on
PostgreSQL the row lock makes the second writer re-check the condition on the new row).
Submission locks every mark and bumps its revision inside the same transaction: a save in
flight then finds nothing to update. A submitted grid never changes; its content hash is in
the audit chain.
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


@functools.cache
def _juror_grid_access_sql() -> str:
    grid, juror, slot = Grid._meta, JurorProfile._meta, Slot._meta
    membership = Membership._meta

    def col(meta, field):
        return connection.ops.quote_name(meta.get_field(field).column)

    def table(meta):
        return connection.ops.quote_name(meta.db_table)

    # Identifiers only come from the models' metadata; every value is a query parameter.
    return (
        f"SELECT g.{col(grid, 'status')}, s.{col(slot, 'status')} "  # noqa: S608
        f"FROM {table(grid)} g "
        f"JOIN {table(juror)} j ON j.{col(juror, 'id')} = g.{col(grid, 'juror')} "
        f"JOIN {table(slot)} s ON s.{col(slot, 'id')} = g.{col(grid, 'slot')} "
        f"WHERE g.{col(grid, 'id')} = %s AND j.{col(juror, 'user')} = %s AND EXISTS ("
        f"SELECT 1 FROM {table(membership)} m WHERE m.{col(membership, 'user')} = "
        f"j.{col(juror, 'user')} AND m.{col(membership, 'organisation')} = "
        f"j.{col(juror, 'certifier')} AND m.{col(membership, 'role')} = %s)"
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


def save_mark(
    access: GridAccess, mark_id: int, *, acquired: bool | None, comment: str, revision: int
) -> int:
    """Save one criterion if nobody changed it since `revision`; the new revision.

    Raises GridLocked on a submitted grid, GridConflict (with the stored values) when the
    mark moved on, EvaluationError when the mark is not in this grid.
    """
    if not access.writable:
        raise GridLocked()
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise EvaluationError(f"Commentaire : {COMMENT_MAX} caractères au plus.")
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
    current = (
        GridMark.objects.filter(pk=mark_id, grid_id=access.grid_id)
        .values("acquired", "comment", "revision", "locked")
        .first()
    )
    if current is None:
        raise EvaluationError("Critère inconnu dans cette grille.")
    if current["locked"]:
        raise GridLocked()
    raise GridConflict(current)


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
