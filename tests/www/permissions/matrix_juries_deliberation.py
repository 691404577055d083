"""Deliberations of the certification jury: the staff screens (/gestion/deliberations/) and
the jury portal's (/jury/deliberations/). The juror persona sits on `ctx["deliberation"]`
(as the certifier's trainer); a deliberation they do not sit on is 404 (tested in
tests/www/test_deliberation_pages.py), as is another certifier's for its staff."""

from django.urls import reverse

from acquis.candidates import services as candidate_services
from acquis.candidates.enums import CandidacyStatus
from acquis.juries import deliberations
from acquis.juries.enums import JuryKind, JuryRole
from tests import factories
from tests.juries import factories as jf
from tests.www.permissions.roles import ROLES, STAFF, STAFF_OWN

# POST-only endpoints: GET is refused (405) once the role check passed.
STAFF_OWN_POST = {
    **STAFF_OWN,
    "administrateur": 405,
    "responsable_epreuves": 405,
    "admin_autre_certificateur": 405,  # the POST itself gets 404 (test_deliberation_pages)
}
# The jury portal's deliberations: members only (other logged-in users hold no juror role
# or sit on no jury: 403).
JURY_MEMBER = {**dict.fromkeys(ROLES, 403), "anonyme": 302, "jure": 200}
JURY_MEMBER_POST = {**JURY_MEMBER, "jure": 405}


def extend_context(ctx) -> dict:
    version, juror = ctx["version"], ctx["personas"]["jure"]
    certifier = version.certification.owner
    seats = [s for s in jf.jury_users(certifier) if s[1] != JuryRole.CERTIFIER_TRAINER]
    seats.append((juror, JuryRole.CERTIFIER_TRAINER, False, ""))
    deliberation = jf.deliberation(
        version, members=seats, opened=False, kind=JuryKind.CERTIFICATION
    )
    # Sent to the jury without evaluations: every matrix test builds this context.
    candidacy = factories.candidacy(version, started=True, blocks=["B3"])
    candidate_services.move_candidacy(
        candidacy, CandidacyStatus.AWAITING_JURY, override_reason=jf.DEROGATION
    )
    deliberations.add_candidates(deliberation, [candidacy], actor=None)
    return {"deliberation": deliberation, "deliberation_candidacy": candidacy}


def _url(name, *extra):
    return lambda ctx: reverse(name, args=[ctx["deliberation"].pk, *extra])


def _decide(name):
    return lambda ctx: reverse(
        name, args=[ctx["deliberation"].pk, ctx["deliberation_candidacy"].pk]
    )


ENTRIES = {
    "staff:deliberations": (lambda ctx: reverse("staff:deliberations"), STAFF),
    "staff:deliberation": (_url("staff:deliberation"), STAFF_OWN),
    # The « add a candidate » search (GET only): the certifier's staff; POST is 405 for any
    # staff (before the lookup: reveals nothing).
    "staff:deliberation_candidacies": (
        lambda ctx: (
            reverse("staff:deliberation_candidacies", args=[ctx["deliberation"].pk])
            + "?candidature=a"
        ),
        STAFF_OWN,
        {
            **STAFF_OWN,
            "administrateur": 405,
            "responsable_epreuves": 405,
            "admin_autre_certificateur": 405,
        },
    ),
    "staff:deliberation_action": (_url("staff:deliberation_action", "ouvrir"), STAFF_OWN_POST),
    "staff:deliberation_decide": (_decide("staff:deliberation_decide"), STAFF_OWN_POST),
    "jury:deliberations": (lambda ctx: reverse("jury:deliberations"), JURY_MEMBER),
    "jury:deliberation": (_url("jury:deliberation"), JURY_MEMBER),
    "jury:deliberation_decide": (_decide("jury:deliberation_decide"), JURY_MEMBER_POST),
}

# The juror persona's jury profile (the sittings area) opens the jury portal.
NEEDS = {"jury:deliberations": ["jury_profile"]}
