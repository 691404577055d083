"""Preparatory deliverables: the candidate's page and upload, the assessor's page, the staff
table. Objects come from matrix_sittings (the candidate persona's E1 slot, assessed by the
juror persona, in an opened session). The 404s for another candidate's slot, a juror who does
not assess the slot and another certifier's POST are in tests/www/test_deliverable_pages.py."""

from django.urls import reverse

from tests.www.permissions.matrix_portals import CANDIDATE
from tests.www.permissions.matrix_sittings import JURY_OWN
from tests.www.permissions.roles import STAFF_OWN

# POST-only: GET is refused (405) once the candidate role check passed.
CANDIDATE_POST = {**CANDIDATE, "candidat": 405}


def _upload_url(ctx):
    slot = ctx["jury:slot"]
    deliverable = slot.assessment.deliverables.get(code="L1")
    return reverse("candidate:deliverable_upload", args=[slot.pk, deliverable.pk])


ENTRIES = {
    "candidate:deliverables": (lambda ctx: reverse("candidate:deliverables"), CANDIDATE),
    "candidate:deliverable_upload": (_upload_url, CANDIDATE_POST),
    "jury:slot_deliverables": (
        lambda ctx: reverse("jury:slot_deliverables", args=[ctx["jury:slot"].pk]),
        JURY_OWN,
    ),
    "staff:session_deliverables": (
        lambda ctx: reverse("staff:session_deliverables", args=[ctx["jury_session"].pk]),
        STAFF_OWN,
    ),
}
