from datetime import date

from django.urls import reverse

from acquis.evaluations import services
from tests import evaluation_factories as ef
from tests.www.permissions.roles import STAFF, STAFF_OWN

# POST-only endpoint: GET is refused (405) once the role check passed.
STAFF_OWN_POST = {
    **STAFF_OWN,
    "administrateur": 405,
    "responsable_epreuves": 405,
    "admin_autre_certificateur": 405,  # the POST itself gets 404 (test_evaluation_pages)
}


def extend_context(ctx):
    version = ctx["version"]
    session = services.plan_session(
        certifier=version.certification.owner,
        version=version,
        title="Session B1",
        on=date(2026, 12, 15),
        place="OPS Conseil, Bron",
    )
    slot = ef.slot(session, ef.started_candidacy(version), hhmm="10:00")
    return {"session": session, "planned_slot": slot}


ENTRIES = {
    "staff:jurors": (lambda ctx: reverse("staff:jurors"), STAFF),
    "staff:sessions": (lambda ctx: reverse("staff:sessions"), STAFF),
    "staff:session": (
        lambda ctx: reverse("staff:session", args=[ctx["session"].pk]),
        STAFF_OWN,
    ),
    "staff:session_candidacies": (
        lambda ctx: (
            reverse("staff:session_candidacies", args=[ctx["session"].pk]) + "?candidature=a"
        ),
        STAFF_OWN,
        # A search only: POST is 405 for any staff (before the lookup: reveals nothing).
        {
            **STAFF_OWN,
            "administrateur": 405,
            "responsable_epreuves": 405,
            "admin_autre_certificateur": 405,
        },
    ),
    # « Modifier la session » (GET the form, POST the change): the certifier's staff only.
    "staff:session_edit": (
        lambda ctx: reverse("staff:session_edit", args=[ctx["session"].pk]),
        STAFF_OWN,
    ),
    # The staff calendar (GET only, filters in the query string): any certifier's staff
    # sees its own sessions; POST is 405 once the role check passed.
    "staff:calendar": (
        lambda ctx: reverse("staff:calendar") + "?vue=semaine&jour=2026-12-15",
        STAFF,
        {
            **STAFF,
            "administrateur": 405,
            "responsable_epreuves": 405,
            "admin_autre_certificateur": 405,
        },
    ),
    # « Modifier le créneau » (GET the form, POST the change; an empty POST shows the form
    # again with its errors): the certifier's staff only.
    "staff:slot_edit": (
        lambda ctx: reverse("staff:slot_edit", args=[ctx["planned_slot"].pk]),
        STAFF_OWN,
        STAFF_OWN,
    ),
    "staff:session_action": (
        lambda ctx: reverse("staff:session_action", args=[ctx["session"].pk, "confirmer"]),
        STAFF_OWN_POST,
    ),
}
