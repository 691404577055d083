"""Timetable, incidents and convocations: the staff slot pages, the juror's and the
candidate's convocations. The candidate persona's slot (ctx["jury_slot"]) is convoked here,
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
REDIRECTING = {"candidate_convocation_confirm"}


def extend_context(ctx) -> dict:
    send_convocations(ctx["jury_session"], actor=ctx["personas"]["responsable_epreuves"])
    return {}


def _slot(name):
    return lambda ctx: reverse(name, args=[ctx["jury_slot"].pk])


def _session(name):
    return lambda ctx: reverse(name, args=[ctx["jury_session"].pk])


ENTRIES = {
    "staff_slot": (_slot("staff_slot"), STAFF_OWN),
    "staff_slot_convocation": (_slot("staff_slot_convocation"), STAFF_OWN),
    "jury_convocation": (_session("jury_convocation"), JURY),
    "jury_convocation_ics": (_session("jury_convocation_ics"), JURY),
    "candidate_convocations": (lambda ctx: reverse("candidate_convocations"), CANDIDATE),
    "candidate_convocation": (_slot("candidate_convocation"), CANDIDATE),
    "candidate_convocation_ics": (_slot("candidate_convocation_ics"), CANDIDATE),
    "candidate_convocation_confirm": (
        _slot("candidate_convocation_confirm"),
        CONFIRM_GET,
        CONFIRM_POST,
    ),
}
