"""Insertion surveys: staff pages (/gestion/enquetes/, /gestion/renouvellement/), the public
survey by personal link (/enquete/<lien>/, no account: every role, the link is the key) and
the partner's own results (/partenaire/resultats/).

A campaign of OPS Conseil is hidden (404) from another certifier's staff. Dates are built
from the moment the test runs: the link must be valid then (its expiry, reuse and tampering
are tested on an injected clock in tests/followup/test_surveys.py).
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from acquis.followup import satisfaction, services, tokens
from acquis.followup.enums import SatisfactionKind
from acquis.followup.models import SatisfactionRequest
from acquis.organisations.enums import OrganisationKind
from acquis.organisations.models import Organisation
from tests import evaluation_factories as ef
from tests.followup.factories import decided, deliberation
from tests.www.permissions.roles import PUBLIC, ROLES, STAFF, STAFF_OWN

ACTION_GET = {
    **STAFF,
    "administrateur": 405,
    "responsable_epreuves": 405,
    "admin_autre_certificateur": 405,
}
ACTION_POST = {**STAFF_OWN, "administrateur": 302, "responsable_epreuves": 302}
PARTNER = {**dict.fromkeys(ROLES, 403), "anonyme": 302, "partenaire": 200}
REDIRECTING = {
    "staff:survey_action",
    "staff:satisfaction_session",
    "staff:satisfaction_deliberation",
}


def extend_context(ctx) -> dict:
    version = ctx["version"]
    certifier = version.certification.owner
    today = timezone.localdate()
    delib = deliberation(version, certifier, today - timedelta(days=400))
    decided(delib)
    campaign = services.create_campaign(
        certifier=certifier,
        certification=version.certification,
        title="Enquête de la matrice",
        decided_from=delib.date,
        decided_to=delib.date,
        closes_on=today + timedelta(days=60),
        actor=None,
    )
    services.open_campaign(campaign, actor=None)
    invitation = campaign.invitations.get()
    # The deliberation has no members: asking is refused with a message (302).
    request = SatisfactionRequest.objects.create(
        kind=SatisfactionKind.DELIBERATION,
        deliberation=delib,
        email="membre@exemple.fr",
        nonce=tokens.new_nonce(),
        expires_on=today + timedelta(days=30),
        created_at=timezone.now(),
    )
    session = ef.session(version, on=today)
    partner = Organisation.objects.get(
        kind=OrganisationKind.PARTNER, name="Formation Plus", certifier=certifier
    )
    return {
        "survey_campaign": campaign,
        "survey_token": tokens.make_token(invitation, "answer"),
        "survey_opt_out_token": tokens.make_token(invitation, "opt-out"),
        "survey_partner": partner,
        "satisfaction_token": satisfaction.make_token(request),
        "satisfaction_deliberation": delib,
        "satisfaction_session": session,
    }


ENTRIES = {
    "staff:surveys": (lambda ctx: reverse("staff:surveys"), STAFF),
    "staff:survey": (
        lambda ctx: reverse("staff:survey", args=[ctx["survey_campaign"].pk]),
        STAFF_OWN,
    ),
    "staff:survey_action": (
        # "pseudonymiser" an open campaign: refused with a message, nothing changes.
        lambda ctx: reverse(
            "staff:survey_action", args=[ctx["survey_campaign"].pk, "pseudonymiser"]
        ),
        ACTION_GET,
        ACTION_POST,
    ),
    "staff:renewal": (lambda ctx: reverse("staff:renewal"), STAFF),
    "public:survey_answer": (
        lambda ctx: reverse("public:survey_answer", args=[ctx["survey_token"]]),
        PUBLIC,
    ),
    "public:survey_opt_out": (
        lambda ctx: reverse("public:survey_opt_out", args=[ctx["survey_opt_out_token"]]),
        PUBLIC,
    ),
    "staff:satisfaction": (lambda ctx: reverse("staff:satisfaction"), STAFF),
    "staff:satisfaction_session": (
        # A planned session: refused with a message (302), nothing is sent.
        lambda ctx: reverse("staff:satisfaction_session", args=[ctx["satisfaction_session"].pk]),
        ACTION_GET,
        ACTION_POST,
    ),
    "staff:satisfaction_deliberation": (
        lambda ctx: reverse(
            "staff:satisfaction_deliberation", args=[ctx["satisfaction_deliberation"].pk]
        ),
        ACTION_GET,
        ACTION_POST,
    ),
    "public:satisfaction_answer": (
        lambda ctx: reverse("public:satisfaction_answer", args=[ctx["satisfaction_token"]]),
        PUBLIC,
    ),
    "partner:results": (lambda ctx: reverse("partner:results"), PARTNER),
    "partner:results_export": (
        lambda ctx: reverse("partner:results_export", args=[ctx["survey_partner"].pk]),
        PARTNER,
    ),
}
