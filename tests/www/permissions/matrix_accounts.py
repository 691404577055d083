"""Accounts (password reset, invitation) and the staff's organisation screens."""

from django.urls import reverse

from acquis.organisations.enums import Role
from acquis.organisations.invitations import invite_user
from tests.www.permissions.roles import PUBLIC, STAFF

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
    "password_reset": (lambda ctx: reverse("password_reset"), PUBLIC),
    "password_reset_done": (lambda ctx: reverse("password_reset_done"), PUBLIC),
    # A valid link redirects to the same URL without its token (Django keeps the token in
    # the session); an unknown one shows the "link no longer valid" page: 200 for everyone.
    "password_reset_confirm": (
        lambda ctx: reverse("password_reset_confirm", args=["MQ", "faux-jeton"]),
        PUBLIC,
    ),
    "password_reset_complete": (lambda ctx: reverse("password_reset_complete"), PUBLIC),
    "accept_invitation": (
        lambda ctx: reverse(
            "accept_invitation", args=[ctx["invitation_uid"], ctx["invitation_token"]]
        ),
        PUBLIC,
    ),
    # Another certifier's staff see their own (empty) lists, never ours (tests/www).
    "staff_partners": (lambda ctx: reverse("staff_partners"), STAFF),
    "staff_partner_create": (lambda ctx: reverse("staff_partner_create"), ADMIN_ONLY),
    "staff_users": (lambda ctx: reverse("staff_users"), STAFF),
}
