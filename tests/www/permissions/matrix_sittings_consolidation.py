"""The consolidation pages of a slot: the jury portal (its assessors) and the staff screens.

`ctx["jury:slot"]` (matrix_sittings.py) is assessed by the juror persona; another juror,
or the staff of another certifier, gets 404 (tested in tests/www/test_consolidation_pages.py
for the juror, here for the staff).
"""

from django.urls import reverse

from tests.www.permissions.matrix_sittings import JURY_OWN
from tests.www.permissions.roles import STAFF_OWN

ENTRIES = {
    "jury:slot_consolidation": (
        lambda ctx: reverse("jury:slot_consolidation", args=[ctx["jury:slot"].pk]),
        JURY_OWN,
    ),
    "staff:slot_consolidation": (
        lambda ctx: reverse("staff:slot_consolidation", args=[ctx["jury:slot"].pk]),
        STAFF_OWN,
    ),
}
