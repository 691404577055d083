"""Timetable, incidents and convocations: the staff slot pages, the juror's and the
candidate's convocations. The candidate persona's slot (ctx["jury:slot"]) is convoked here,
since a candidate sees a slot only once convoked. 404s for someone else's slot or session
are in test_convocation_pages.py and test_session_planning_pages.py."""

from django.urls import reverse

from acquis.evaluations.convocations import send_convocations
from tests.www.permissions.matrix_portals import CANDIDATE
from tests.www.permissions.matrix_sittings import JURY
from tests.www.permissions.roles import STAFF_OWN

# The candidate's presence confirmation is POST-only: GET refused (405) once the candidate
# role check passed; her POST goes back to her convocation page (302, not to the login).
CONFIRM_GET = {**CANDIDATE, "candidat": 405}
CONFIRM_POST = {**CANDIDATE, "candidat": 302}
REDIRECTING = {"candidate:convocation_confirm"}


def extend_context(ctx) -> dict:
    send_convocations(ctx["jury_session"], actor=ctx["personas"]["responsable_epreuves"])
    return {}


def _slot(name):
    return lambda ctx: reverse(name, args=[ctx["jury:slot"].pk])


def _session(name):
    return lambda ctx: reverse(name, args=[ctx["jury_session"].pk])


ENTRIES = {
    "staff:slot": (_slot("staff:slot"), STAFF_OWN),
    "staff:slot_convocation": (_slot("staff:slot_convocation"), STAFF_OWN),
    "jury:convocation": (_session("jury:convocation"), JURY),
    "jury:convocation_ics": (_session("jury:convocation_ics"), JURY),
    "candidate:convocations": (lambda ctx: reverse("candidate:convocations"), CANDIDATE),
    "candidate:convocation": (_slot("candidate:convocation"), CANDIDATE),
    "candidate:convocation_ics": (_slot("candidate:convocation_ics"), CANDIDATE),
    "candidate:convocation_confirm": (
        _slot("candidate:convocation_confirm"),
        CONFIRM_GET,
        CONFIRM_POST,
    ),
}
