"""The juror's own submitted grid, printable (PDF on demand, not stored).

`/jury/grilles/<pk>/pdf/`: only the juror's own grid (`perms.own_grid`), once submitted;
another juror's grid, or a grid still in progress, is 404.
"""

from django.http import Http404
from django.views.decorators.http import require_GET

from acquis.evaluations.enums import GridStatus
from acquis.www.jury.perms import juror_required, own_grid
from acquis.www.shared.grid_pdf import render_grid_or_404


@require_GET
@juror_required
def jury_grid_pdf(request, pk):
    grid = own_grid(request.juror, pk)
    if grid.status != GridStatus.SUBMITTED:
        raise Http404("Grille non remise : elle s'imprime une fois remise.")
    return render_grid_or_404(grid)
