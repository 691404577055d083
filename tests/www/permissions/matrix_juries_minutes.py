"""The PV pages (jury and staff), the correction of a decision, the candidate's decisions.

`ctx["minutes_deliberation"]` has the juror persona on its jury (the other two seats are
other jurors); a juror who does not sit on it gets 404 (tests/www/test_minutes_pages.py).
Rows are written directly: the matrix builds its context for every URL × role, and the
verbs are tested elsewhere.
"""

from django.urls import reverse
from django.utils import timezone

from acquis.juries.enums import DecisionKind, JuryKind, JuryRole
from acquis.juries.models import Decision, Deliberation, JuryMember
from tests import factories
from tests.www.permissions.roles import ROLES, STAFF, STAFF_OWN


def _only(role: str) -> dict:
    return {**dict.fromkeys(ROLES, 403), "anonyme": 302, role: 200}


JURY_MEMBER = _only("jure")
CANDIDATE = _only("candidat")


def extend_context(ctx) -> dict:
    personas, version = ctx["personas"], ctx["version"]
    deliberation = Deliberation.objects.create(
        certifier=version.certification.owner,
        version=version,
        kind=JuryKind.CERTIFICATION,
        title="Jury de la matrice",
        date=timezone.localdate(),
        place="Bron",
    )
    JuryMember.objects.create(
        deliberation=deliberation,
        user=personas["jure"],
        role=JuryRole.CERTIFIER_TRAINER,
        external=False,
    )
    decision = Decision.objects.create(
        deliberation=deliberation,
        candidacy=factories.candidacy(version),
        kind=DecisionKind.REFUSED,
        proposed_kind=DecisionKind.REFUSED,
        reason="Matrice",
        decided_at=timezone.now(),
    )
    return {"minutes_deliberation": deliberation, "minutes_decision": decision}


ENTRIES = {
    "jury:minutes": (
        lambda ctx: reverse("jury:minutes", args=[ctx["minutes_deliberation"].pk]),
        JURY_MEMBER,
    ),
    "staff:minutes": (
        lambda ctx: reverse("staff:minutes", args=[ctx["minutes_deliberation"].pk]),
        STAFF_OWN,
    ),
    # POST only: a GET answers 405 once the staff check passed.
    "staff:minutes_notify": (
        lambda ctx: reverse("staff:minutes_notify", args=[ctx["minutes_deliberation"].pk]),
        {
            **STAFF,
            "administrateur": 405,
            "responsable_epreuves": 405,
            "admin_autre_certificateur": 405,
        },
    ),
    "staff:decision_correction": (
        lambda ctx: reverse("staff:decision_correction", args=[ctx["minutes_decision"].pk]),
        STAFF_OWN,
    ),
    "candidate:decisions": (lambda ctx: reverse("candidate:decisions"), CANDIDATE),
}
