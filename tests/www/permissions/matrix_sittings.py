"""The jury portal. Context common to the evaluation modules named matrix_sittings_*.py
(they run after this one): the juror persona's record, an opened session held today with
one slot (E1) of the candidate persona's candidacy, assessed by the juror persona."""

from django.urls import reverse

from acquis.evaluations import services
from tests import evaluation_factories as ef
from tests import factories
from tests.www.permissions.roles import ROLES

# The jury portal: the juror persona only (403 other logged-in users, 302 anonymous).
JURY = {**dict.fromkeys(ROLES, 403), "anonyme": 302, "jure": 200}
# An object of the juror persona's slots: 404 for a juror who does not assess it is tested
# in the page tests; for the matrix the other roles are refused before the lookup.
JURY_OWN = JURY
# Read-only pages of the jury portal: a POST is 405 for everyone, before any login check.
READ_ONLY = dict.fromkeys(ROLES, 405)


def extend_context(ctx) -> dict:
    personas, version = ctx["personas"], ctx["version"]
    certifier = version.certification.owner
    profile = services.record_juror(
        user=personas["jure"],
        certifier=certifier,
        sector="insertion",
        role="Conseiller emploi",
        years_experience=6,
        proof=factories.pdf_upload(),
    )
    ef.train(profile, version)
    representative = ef.juror(certifier, version, represents=True)
    session, (slot,) = ef.opened_session(
        version, [ctx["portal_candidacy"]], jurors=[representative, profile]
    )
    return {"jury_profile": profile, "jury_session": session, "jury:slot": slot}


ENTRIES = {
    "jury:home": (lambda ctx: reverse("jury:home"), JURY),
    "jury:coming": (lambda ctx: reverse("jury:coming"), JURY, READ_ONLY),
    "jury:past": (lambda ctx: reverse("jury:past") + "?mois=2020-01", JURY, READ_ONLY),
}
