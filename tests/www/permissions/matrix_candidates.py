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


def extend_context(ctx):
    version = ctx["version"]
    candidacy = factories.candidacy(version, started=True)
    memoir = services.submit_memoir(candidacy, upload=factories.pdf_upload("memoire.pdf"))
    return {"candidacy": candidacy, "document": memoir.document}


ENTRIES = {
    "staff_candidacies": (lambda ctx: reverse("staff_candidacies"), STAFF),
    "staff_candidacy": (
        lambda ctx: reverse("staff_candidacy", args=[ctx["candidacy"].pk]),
        STAFF_OWN,
    ),
    "staff_candidacy_action": (
        lambda ctx: reverse("staff_candidacy_action", args=[ctx["candidacy"].pk, "etat"]),
        STAFF_OWN_POST,
    ),
    "staff_candidate_new": (lambda ctx: reverse("staff_candidate_new"), STAFF),
    # The RGPD export (POST only): the ZIP for the certifier's staff, hidden from others.
    "staff_candidate_rgpd_export": (
        lambda ctx: reverse("staff_candidate_rgpd_export", args=[ctx["candidacy"].candidate.pk]),
        STAFF_OWN_POST,
        STAFF_OWN,
    ),
    "staff_candidate": (
        lambda ctx: reverse("staff_candidate", args=[ctx["candidacy"].candidate.pk]),
        STAFF_OWN,
    ),
    "staff_candidate_edit": (
        lambda ctx: reverse("staff_candidate_edit", args=[ctx["candidacy"].candidate.pk]),
        STAFF_OWN,
    ),
    "staff_candidacy_new": (
        lambda ctx: reverse("staff_candidacy_new", args=[ctx["candidacy"].candidate.pk]),
        STAFF_OWN,
    ),
    "staff_cohorts": (lambda ctx: reverse("staff_cohorts"), STAFF),
    "document_download": (
        lambda ctx: reverse("document_download", args=[ctx["document"].uuid]),
        DOCUMENT,
    ),
}
