"""Submitted grids and consolidations arranged through the real verbs (grids, planning)."""

from acquis.evaluations import consolidation, grids, planning, services
from tests import evaluation_factories as ef


def held_slots(version, candidacy, codes=("E1",), *, jurors=None):
    """An opened session held today with one slot per sitting code for the candidacy."""
    session = ef.session(version, jurors=jurors)
    slots = [
        ef.slot(session, candidacy, code=code, hhmm=f"{9 + 2 * i:02d}:00", minutes=45)
        for i, code in enumerate(codes)
    ]
    services.confirm_panel(session)
    planning.open_session(session, today=session.date)
    for slot in slots:
        slot.refresh_from_db()
    return slots


def assessors(slot):
    return list(slot.assessors.select_related("user").order_by("pk"))


def submit(slot, juror, *, not_acquired=(), comment="Pas démontré pendant l'épreuve."):
    """The juror's grid, every criterion acquired but the codes given, then submitted."""
    grid = grids.ensure_grid(slot, juror)
    access = grids.grid_access(grid.pk, juror.user_id)
    for mark in grid.marks.select_related("criterion"):
        acquired = mark.criterion.code not in not_acquired
        grids.save_mark(
            access,
            mark.pk,
            acquired=acquired,
            comment="" if acquired else comment,
            revision=mark.revision,
        )
    return grids.submit_grid(grid, actor=juror.user)


def submit_all(slot, not_acquired=()):
    for juror in assessors(slot):
        submit(slot, juror, not_acquired=not_acquired)


def proposed_marks(slot, **chosen) -> dict:
    """The unanimous values; `chosen` = {criterion code with '_' for '.': (acquired, comment)}."""
    view = consolidation.panel_view(slot)
    marks = {}
    for group in view.groups:
        for row in group.rows:
            key = row.criterion.code.replace(".", "_")
            marks[row.criterion.pk] = chosen.get(key, (row.proposed, ""))
    return marks


def consolidate_all(slot, *, actor=None, not_acquired=()):
    """Every grid submitted alike, then the unanimous consolidation."""
    submit_all(slot, not_acquired)
    return consolidation.consolidate(slot, marks=proposed_marks(slot), actor=actor)
