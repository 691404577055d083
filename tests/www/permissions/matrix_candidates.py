from django.urls import reverse

from acquis.candidates import services
from tests import factories
from tests.www.permissions.roles import ROLES, STAFF, STAFF_OWN

# POST-only endpoint: GET is refused (405) once the role check passed.
STAFF_OWN_POST = {
    **STAFF_OWN,
    "administrateur": 405,
    "responsable_epreuves": 405,
    "admin_autre_certificateur": 405,  # the POST itself gets 404 (test_candidate_pages)
}
# Documents: staff of the certifier and the candidate's own account; 404 for everyone else.
DOCUMENT = {
    **dict.fromkeys(ROLES, 404),
    "anonyme": 302,
    "administrateur": 200,
    "responsable_epreuves": 200,
}


# A staff action answered by a redirect to the page it was pressed on (POST only).
STAFF_OWN_ACTION = {
    **STAFF_OWN,
    "administrateur": 302,
    "responsable_epreuves": 302,
}


def extend_context(ctx):
    version = ctx["version"]
    candidacy = factories.candidacy(version, started=True)
    memoir = services.submit_memoir(candidacy, upload=factories.pdf_upload("memoire.pdf"))
    return {"candidacy": candidacy, "document": memoir.document}


ENTRIES = {
    "staff:candidacies": (lambda ctx: reverse("staff:candidacies"), STAFF),
    "staff:candidacy": (
        lambda ctx: reverse("staff:candidacy", args=[ctx["candidacy"].pk]),
        STAFF_OWN,
    ),
    "staff:candidacy_action": (
        lambda ctx: reverse("staff:candidacy_action", args=[ctx["candidacy"].pk, "etat"]),
        STAFF_OWN_POST,
    ),
    "staff:candidate_new": (lambda ctx: reverse("staff:candidate_new"), STAFF),
    # The RGPD export (POST only): the ZIP for the certifier's staff, hidden from others.
    "staff:candidate_rgpd_export": (
        lambda ctx: reverse("staff:candidate_rgpd_export", args=[ctx["candidacy"].candidate.pk]),
        STAFF_OWN_POST,
        STAFF_OWN,
    ),
    "staff:candidate": (
        lambda ctx: reverse("staff:candidate", args=[ctx["candidacy"].candidate.pk]),
        STAFF_OWN,
    ),
    "staff:candidate_edit": (
        lambda ctx: reverse("staff:candidate_edit", args=[ctx["candidacy"].candidate.pk]),
        STAFF_OWN,
    ),
    "staff:candidacy_new": (
        lambda ctx: reverse("staff:candidacy_new", args=[ctx["candidacy"].candidate.pk]),
        STAFF_OWN,
    ),
    "staff:cohorts": (lambda ctx: reverse("staff:cohorts"), STAFF),
    # « Ouvrir l'espace candidat » and « Inviter les candidats de la promotion » (POST only):
    # the certifier's staff are sent back to the page, others refused or shown nothing.
    "staff:candidate_open_portal": (
        lambda ctx: reverse("staff:candidate_open_portal", args=[ctx["candidacy"].candidate.pk]),
        STAFF_OWN_POST,
        STAFF_OWN_ACTION,
    ),
    "staff:cohort_invite": (
        lambda ctx: reverse("staff:cohort_invite", args=[ctx["import_cohort"].pk]),
        STAFF_OWN_POST,
        STAFF_OWN_ACTION,
    ),
    "documents:download": (
        lambda ctx: reverse("documents:download", args=[ctx["document"].uuid]),
        DOCUMENT,
    ),
}
# Their 302 for the certifier's staff goes back to the page (own tests check where).
REDIRECTING = {"staff:candidate_open_portal", "staff:cohort_invite"}
