"""The juror's slot page and own grid (acquis/www/jury/grid_urls.py).

Pages: the juror persona only (200), 403 for the other logged-in roles, anonymous to the
login page. POST-only endpoints answer 405 to the juror persona's GET (after the role check).
The 404s (a slot the juror does not assess, another juror's grid or criterion) and the
refusal of a juror whose role was removed are in tests/www/test_grid_pages.py.
"""

from django.urls import reverse

from acquis.evaluations import grids
from tests.www.permissions.matrix_sittings import JURY

JURY_POST_ONLY = {**JURY, "jure": 405}


def extend_context(ctx) -> dict:
    grid = grids.ensure_grid(ctx["jury:slot"], ctx["jury_profile"])
    return {"jury:grid": grid, "jury_mark": grid.marks.order_by("position").first()}


def _slot_url(name):
    return lambda ctx: reverse(name, args=[ctx["jury:slot"].pk])


def _grid_url(name):
    return lambda ctx: reverse(name, args=[ctx["jury:grid"].pk])


ENTRIES = {
    "jury:slot": (_slot_url("jury:slot"), JURY),
    "jury:grid_open": (_slot_url("jury:grid_open"), JURY_POST_ONLY),
    "jury:grid": (_grid_url("jury:grid"), JURY),
    "jury:grid_submit": (_grid_url("jury:grid_submit"), JURY_POST_ONLY),
    "jury:grid_mark": (
        lambda ctx: reverse("jury:grid_mark", args=[ctx["jury:grid"].pk, ctx["jury_mark"].pk]),
        JURY_POST_ONLY,
    ),
}
