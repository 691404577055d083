"""A panel member's own grid: criteria, autosave with optimistic locking, submission."""

import pytest

from acquis.audit.models import AuditEvent
from acquis.evaluations import grids, planning
from acquis.evaluations.enums import GridStatus, SlotStatus
from acquis.evaluations.exceptions import EvaluationError
from acquis.evaluations.models import GridMark, Slot
from acquis.organisations.enums import Role
from acquis.organisations.models import Membership
from tests import evaluation_factories as ef
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(ops_version):
    candidacy = ef.started_candidacy(ops_version)
    session, (slot,) = ef.opened_session(ops_version, [candidacy], code="E2")
    juror = slot.assessors.order_by("pk").first()
    return slot, juror


def _access(grid):
    return grids.grid_access(grid.pk, grid.juror.user_id)


def test_a_sitting_grid_holds_every_criterion_of_its_competencies(held):
    slot, juror = held
    grid = grids.ensure_grid(slot, juror)
    codes = list(dict.fromkeys(grid.marks.values_list("criterion__competency__code", flat=True)))
    assert codes == ["C1.2", "C1.3", "C1.4", "C1.5"]
    expected = sum(c.criteria.count() for c in slot.assessment.competencies.all())
    assert grid.marks.count() == expected
    assert grids.ensure_grid(slot, juror).pk == grid.pk  # opened twice: the same grid


def test_final_orals_use_their_own_criteria_or_the_blocks_competencies(ops_version):
    training = ef.started_candidacy(ops_version, memoir_checked=True)
    vae = factories.candidacy(
        ops_version, vae=True, admissible=True, file_complete=True, blocks=["B2"]
    )
    session = ef.session(ops_version)
    memoir = ef.slot(session, training, code="E12", hhmm="09:00", minutes=30)
    oral = ef.slot(session, vae, code="E13", hhmm="10:00", minutes=30)
    assert [c.code for c in grids.grid_criteria(memoir)] == [f"E12.{i}" for i in range(1, 8)]
    vae_criteria = grids.grid_criteria(oral)
    assert {c.competency.block.code for c in vae_criteria} == {"B2"}
    assert len(vae_criteria) == 23


def test_save_then_a_stale_revision_is_a_conflict_and_changes_nothing(held):
    slot, juror = held
    grid = grids.ensure_grid(slot, juror)
    mark = grid.marks.first()
    access = _access(grid)
    assert grids.save_mark(access, mark.pk, acquired=True, comment="Clair", revision=0) == 1
    with pytest.raises(grids.GridConflict) as exc:
        grids.save_mark(access, mark.pk, acquired=False, comment="Autre onglet", revision=0)
    assert exc.value.mark["revision"] == 1 and exc.value.mark["comment"] == "Clair"
    mark.refresh_from_db()
    assert (mark.acquired, mark.comment, mark.revision) == (True, "Clair", 1)


def _save_for_user(grid, mark, user_id=None, **kw):
    values = {"acquired": True, "comment": "", "revision": 0} | kw
    return grids.save_mark_for_user(grid.pk, mark.pk, user_id or grid.juror.user_id, **values)


def test_the_autosave_path_saves_in_one_statement_then_refuses_a_stale_revision(
    held, django_assert_num_queries
):
    slot, juror = held
    grid = grids.ensure_grid(slot, juror)
    mark = grid.marks.first()
    with django_assert_num_queries(1):
        assert _save_for_user(grid, mark, acquired=False, comment="  Flou  ") == 1
    mark.refresh_from_db()
    assert (mark.acquired, mark.comment, mark.revision) == (False, "Flou", 1)
    assert mark.updated_at is not None
    assert _save_for_user(grid, mark, acquired=None, comment="", revision=1) == 2
    with pytest.raises(grids.GridConflict) as exc:
        _save_for_user(grid, mark, comment="Autre onglet", revision=1)
    assert exc.value.mark == {"acquired": None, "comment": "", "revision": 2, "locked": False}
    mark.refresh_from_db()
    assert (mark.acquired, mark.comment, mark.revision) == (None, "", 2)


def test_the_autosave_path_refuses_exactly_as_the_access_check_and_save_mark(held, ops_version):
    slot, juror = held
    grid = grids.ensure_grid(slot, juror)
    mark, other_mark = grid.marks.order_by("position")[:2]
    other = slot.assessors.exclude(pk=juror.pk).first()
    theirs = grids.ensure_grid(slot, other)
    their_mark = theirs.marks.first()
    # not my grid: the other juror's grid, a grid that does not exist
    with pytest.raises(grids.GridNotFound):
        _save_for_user(theirs, their_mark, juror.user_id)
    with pytest.raises(grids.GridNotFound):
        grids.save_mark_for_user(
            theirs.pk + 1000, mark.pk, juror.user_id, acquired=True, comment="", revision=0
        )
    # my grid with their criterion
    with pytest.raises(EvaluationError, match="Critère inconnu dans cette grille."):
        _save_for_user(grid, their_mark)
    # an overlong comment (not written), an out-of-range revision (a conflict, as the ORM)
    with pytest.raises(EvaluationError, match="4000 caractères au plus"):
        _save_for_user(grid, mark, comment="x" * (grids.COMMENT_MAX + 1))
    with pytest.raises(grids.GridConflict):
        _save_for_user(grid, mark, revision=2**70)
    # the slot no longer scheduled: locked
    Slot.objects.filter(pk=slot.pk).update(status=SlotStatus.ABSENT_EXCUSED)
    with pytest.raises(grids.GridLocked):
        _save_for_user(grid, mark)
    Slot.objects.filter(pk=slot.pk).update(status=SlotStatus.SCHEDULED)
    assert _save_for_user(grid, other_mark) == 1
    # the juror role removed: the grid is not reachable any more
    Membership.objects.filter(user=juror.user, role=Role.JUROR).delete()
    with pytest.raises(grids.GridNotFound):
        _save_for_user(grid, mark)
    assert not GridMark.objects.filter(pk__in=[mark.pk, their_mark.pk], revision__gt=0).exists()


def test_someone_elses_grid_is_not_reachable(held, ops_version):
    slot, juror = held
    grid = grids.ensure_grid(slot, juror)
    other = slot.assessors.exclude(pk=juror.pk).first()
    assert grids.grid_access(grid.pk, other.user_id) is None
    outsider = ef.juror(ops_version.certification.owner, ops_version)
    with pytest.raises(EvaluationError, match="n'évalue pas"):
        grids.ensure_grid(slot, outsider)


def test_submission_needs_every_criterion_and_a_justification(held):
    slot, juror = held
    grid = grids.ensure_grid(slot, juror)
    access = _access(grid)
    marks = list(grid.marks.order_by("position"))
    for mark in marks[1:]:
        grids.save_mark(access, mark.pk, acquired=True, comment="", revision=0)
    grids.save_mark(access, marks[0].pk, acquired=False, comment="  ", revision=0)
    with pytest.raises(EvaluationError) as exc:
        grids.submit_grid(grid)
    assert exc.value.problems == [
        f"Critère {marks[0].criterion.code} : justifiez « non acquis » dans le commentaire."
    ]
    grid.refresh_from_db()
    assert grid.status == GridStatus.DRAFT


def test_a_submitted_grid_never_changes(held):
    slot, juror = held
    grid = grids.ensure_grid(slot, juror)
    access = _access(grid)
    for mark in grid.marks.all():
        grids.save_mark(access, mark.pk, acquired=True, comment="", revision=0)
    grids.submit_grid(grid, actor=juror.user)
    grid.refresh_from_db()
    assert grid.status == GridStatus.SUBMITTED and grids.is_intact(grid)
    event = AuditEvent.objects.get(verb="grid.submitted")
    assert event.payload["sha256"] == grid.content_hash
    mark = grid.marks.first()
    # a tab loaded before submission (revision 1) and the fresh one alike are refused
    for revision in (1, mark.revision):
        with pytest.raises(grids.GridLocked):
            grids.save_mark(access, mark.pk, acquired=False, comment="x", revision=revision)
    stale = grids.GridAccess(grid.pk, GridStatus.DRAFT, SlotStatus.SCHEDULED)
    with pytest.raises(grids.GridLocked):
        grids.save_mark(stale, mark.pk, acquired=False, comment="x", revision=mark.revision)
    with pytest.raises(grids.GridLocked):
        grids.submit_grid(grid)
    # the autosave path alike, whatever revision it names
    for revision in (1, mark.revision):
        with pytest.raises(grids.GridLocked):
            grids.save_mark_for_user(
                grid.pk, mark.pk, juror.user_id, acquired=False, comment="x", revision=revision
            )
    assert not GridMark.objects.filter(grid=grid, acquired=False).exists()


def test_no_grid_before_opening_or_for_an_absent_candidate(ops_version):
    candidacy = ef.started_candidacy(ops_version)
    session = ef.session(ops_version)
    slot = ef.slot(session, candidacy)
    from acquis.evaluations import services

    services.confirm_panel(session)
    juror = slot.assessors.first()
    with pytest.raises(EvaluationError, match="s'ouvre avec la session"):
        grids.ensure_grid(slot, juror)
    planning.open_session(session, today=session.date)
    planning.move_slot(slot, SlotStatus.ABSENT_EXCUSED, actor=None)
    with pytest.raises(EvaluationError, match="Absence excusée"):
        grids.ensure_grid(slot, juror)
