"""Accounts (password reset, invitation) and the staff's organisation screens."""

from django.urls import reverse

from acquis.organisations.enums import Role
from acquis.organisations.invitations import invite_user
from tests.www.permissions.roles import PUBLIC, STAFF

# Pages of the logged-in person (« Mon compte »): anyone logged in, the login page otherwise.
LOGGED_IN = {role: 302 if role == "anonyme" else 200 for role in PUBLIC}
# The second-factor code step: a verified session (the test client's login is verified)
# goes on (302 to where it was going); anonymous: to the login page.
VERIFIED_GOES_ON = dict.fromkeys(PUBLIC, 302)

# Only a certifier's administrator adds partners; another certifier's administrator adds
# to their own certifier (the form offers only theirs), hence 200.
ADMIN_ONLY = {**STAFF, "responsable_epreuves": 403}


def extend_context(ctx) -> dict:
    """A pending invitation, so that its page shows the set-password form to everyone."""
    invitation = invite_user(
        email="invite@test.fr",
        first_name="Inès",
        last_name="Invitée",
        organisation=ctx["personas"]["administrateur"].memberships.get().organisation,
        role=Role.JUROR,
        actor=ctx["personas"]["administrateur"],
    )
    uidb64, token = invitation.accept_url.rstrip("/").split("/")[-2:]
    return {"invitation_uid": uidb64, "invitation_token": token}


ENTRIES = {
    "accounts:password_reset": (lambda ctx: reverse("accounts:password_reset"), PUBLIC),
    "accounts:password_reset_done": (lambda ctx: reverse("accounts:password_reset_done"), PUBLIC),
    # A valid link redirects to the same URL without its token (Django keeps the token in
    # the session); an unknown one shows the "link no longer valid" page: 200 for everyone.
    "accounts:password_reset_confirm": (
        lambda ctx: reverse("accounts:password_reset_confirm", args=["MQ", "faux-jeton"]),
        PUBLIC,
    ),
    "accounts:password_reset_complete": (
        lambda ctx: reverse("accounts:password_reset_complete"),
        PUBLIC,
    ),
    "accounts:accept_invitation": (
        lambda ctx: reverse(
            "accounts:accept_invitation", args=[ctx["invitation_uid"], ctx["invitation_token"]]
        ),
        PUBLIC,
    ),
    # Another certifier's staff see their own (empty) lists, never ours (tests/www).
    "staff:partners": (lambda ctx: reverse("staff:partners"), STAFF),
    "staff:partner_create": (lambda ctx: reverse("staff:partner_create"), ADMIN_ONLY),
    "staff:users": (lambda ctx: reverse("staff:users"), STAFF),
    # Every certifier staff chooses among their own certifiers; an empty POST chooses none
    # (400, the form says why). Choosing another's: 404 (tests/www/test_certifier_choice.py).
    "staff:certifier_choice": (
        lambda ctx: reverse("staff:certifier_choice"),
        STAFF,
        {
            **STAFF,
            "administrateur": 400,
            "responsable_epreuves": 400,
            "admin_autre_certificateur": 400,
        },
    ),
    "accounts:two_factor_verify": (
        lambda ctx: reverse("accounts:two_factor_verify"),
        VERIFIED_GOES_ON,
    ),
    # Enrolment: the enrolled (staff, jury members of the matrix's deliberations: verified by
    # the test login) go to « Mon compte ».
    "accounts:two_factor_setup": (
        lambda ctx: reverse("accounts:two_factor_setup"),
        {
            **LOGGED_IN,
            "administrateur": 302,
            "responsable_epreuves": 302,
            "jure": 302,
            "admin_autre_certificateur": 302,
        },
    ),
    "accounts:account_security": (lambda ctx: reverse("accounts:account_security"), LOGGED_IN),
    "accounts:my_invitations": (lambda ctx: reverse("accounts:my_invitations"), LOGGED_IN),
}
# URLs whose 302 for a logged-in role goes elsewhere than the login page (test_matrix).
REDIRECTING = {"accounts:two_factor_verify", "accounts:two_factor_setup"}

# The juror persona sits on a certification jury (the deliberation area): the second factor
# is required of them.
NEEDS = {"accounts:two_factor_setup": ["deliberation"]}
