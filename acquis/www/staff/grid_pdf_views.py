"""Printable evaluation grids for the certifier's staff (PDF on demand, not stored).

- `/gestion/grilles/<pk>/pdf/`: one juror's submitted grid;
- `/gestion/creneaux/<pk>/resultat-consolide/pdf/`: the consolidated result of a slot.

The staff dossier of a candidacy lists them (`printable_grids`). Object permissions (one
rule, `access.certifiers`): a slot of the staff's certifier; a grid not submitted yet, a
slot not consolidated yet or another certifier's are 404.
"""

from dataclasses import dataclass

from django.http import Http404
from django.views.decorators.http import require_GET

from acquis.credentials import grids_pdf
from acquis.errors import AcquisError
from acquis.evaluations.enums import GridStatus, SlotStatus
from acquis.evaluations.models import Grid, Slot
from acquis.www.perms import staff_required
from acquis.www.shared.grid_pdf import pdf_response, render_grid_or_404
from acquis.www.staff import access


@dataclass
class PrintableSlot:
    slot: Slot
    grids: list[Grid]

    @property
    def consolidated(self) -> bool:
        return self.slot.status == SlotStatus.CONSOLIDATED


def printable_grids(candidacy) -> list[PrintableSlot]:
    """The candidacy's slots with a submitted grid (a consolidated slot has them all), for
    the staff dossier's links: one query whatever the number of slots."""
    grids = (
        Grid.objects.filter(slot__candidacy=candidacy, status=GridStatus.SUBMITTED)
        .select_related("slot__assessment", "slot__session", "juror__user")
        .order_by("slot__starts_at", "slot_id", "juror__user__last_name", "pk")
    )
    rows: dict[int, PrintableSlot] = {}
    for grid in grids:
        rows.setdefault(grid.slot_id, PrintableSlot(grid.slot, [])).grids.append(grid)
    return list(rows.values())


@require_GET
@staff_required
def staff_grid_pdf(request, pk):
    grid = access.get_or_404(
        Grid.objects.filter(
            slot__session__certifier__in=access.certifier_ids(request.user),
            status=GridStatus.SUBMITTED,
        ).select_related("juror__user", "slot__assessment", "slot__candidacy__candidate"),
        pk=pk,
    )
    return render_grid_or_404(grid)


@require_GET
@staff_required
def staff_slot_consolidation_pdf(request, pk):
    slot = access.get_or_404(
        Slot.objects.filter(
            session__certifier__in=access.certifier_ids(request.user),
            consolidation__isnull=False,
        ).select_related("assessment", "candidacy__candidate"),
        pk=pk,
    )
    try:
        pdf = grids_pdf.render_consolidated(slot)
    except AcquisError as error:
        raise Http404(str(error)) from error
    name = f"resultat consolide {slot.assessment.code} {slot.candidacy.candidate.full_name}"
    return pdf_response(pdf, name)
