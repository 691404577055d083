"""Printable grids (staff and juror) and the signed PV for the jury members.

Built on first use from the context of other modules that come later in the order
(matrix_sittings*: `jury_slot` assessed by the juror persona and `jury_grid`, the persona's
draft grid; matrix_juries_minutes: `minutes_deliberation`, on whose jury the persona sits):
the juror persona's grid is submitted, the slot consolidated, the PV's document written
directly as a row with a small stored file. The 404s (another juror's grid, a draft, a slot
not consolidated, a PV not issued, a juror off the jury) are in tests/www/test_grid_pdf_pages.py
and tests/www/test_minutes_pdf_pages.py.
"""

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from acquis.credentials.enums import DocumentKind
from acquis.credentials.models import IssuedDocument
from acquis.evaluations import consolidation, grids
from acquis.evaluations.enums import GridStatus
from acquis.juries.models import Minutes
from tests import consolidation_factories as cf
from tests.www.permissions.matrix_juries_minutes import JURY_MEMBER
from tests.www.permissions.matrix_sittings import JURY
from tests.www.permissions.roles import STAFF_OWN


def _submitted(grid):
    if grid.status != GridStatus.SUBMITTED:
        access = grids.grid_access(grid.pk, grid.juror.user_id)
        for mark in grid.marks.all():
            grids.save_mark(access, mark.pk, acquired=True, comment="", revision=mark.revision)
        grid = grids.submit_grid(grid, actor=None)
    return grid


def _grid(ctx):
    ctx["jury:grid"] = _submitted(ctx["jury:grid"])
    return ctx["jury:grid"]


def _consolidated_slot(ctx):
    slot = ctx["jury:slot"]
    if not hasattr(slot, "consolidation"):
        for juror in cf.assessors(slot):
            _submitted(grids.ensure_grid(slot, juror))
        consolidation.consolidate(slot, marks=cf.proposed_marks(slot), actor=None)
        slot.refresh_from_db()
    return slot


def _issued_minutes(ctx):
    deliberation = ctx["minutes_deliberation"]
    if not IssuedDocument.objects.filter(minutes__deliberation=deliberation).exists():
        minutes = Minutes.objects.create(
            deliberation=deliberation,
            certifier=deliberation.certifier,
            number="PV-9999-0001",
            content={},
            content_hash="0" * 64,
            generated_at=timezone.now(),
        )
        document = IssuedDocument(
            certifier=deliberation.certifier,
            kind=DocumentKind.MINUTES,
            number=minutes.number,
            minutes=minutes,
            verification_code="code-du-pv-de-la-matrice",
            sha256="0" * 64,
            signed=True,
            issued_at=timezone.now(),
        )
        document.file.save("matrice-pv.pdf", ContentFile(b"%PDF-1.7 matrice"), save=False)
        document.save()
    return deliberation


ENTRIES = {
    "staff:grid_pdf": (lambda ctx: reverse("staff:grid_pdf", args=[_grid(ctx).pk]), STAFF_OWN),
    "staff:slot_consolidation_pdf": (
        lambda ctx: reverse("staff:slot_consolidation_pdf", args=[_consolidated_slot(ctx).pk]),
        STAFF_OWN,
    ),
    "jury:grid_pdf": (lambda ctx: reverse("jury:grid_pdf", args=[_grid(ctx).pk]), JURY),
    "jury:minutes_pdf": (
        lambda ctx: reverse("jury:minutes_pdf", args=[_issued_minutes(ctx).pk]),
        JURY_MEMBER,
    ),
}
