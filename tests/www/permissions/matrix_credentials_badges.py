"""Open Badges public endpoints: the issuer Profile and the status list, open to everyone."""

from django.conf import settings
from django.urls import reverse

from acquis.credentials import badges
from acquis.credentials.models import StatusList
from tests.www.permissions.roles import PUBLIC


def extend_context(ctx):
    certifier = ctx["version"].certification.owner
    # A key for this test only: the autouse `settings` fixture of tests/conftest.py is active,
    # so this assignment lands in its override layer and is dropped at teardown.
    settings.ACQUIS_BADGE_KEY = badges.key_to_multibase(badges.generate_key())
    listed, _ = StatusList.objects.get_or_create(
        certifier=certifier, issuer=badges.issuer_did(), defaults={"key": f"{certifier.pk}-m"}
    )
    return {"badge_certifier": certifier, "public:badge_status_list": listed}


ENTRIES = {
    "public:badge_issuer_profile": (
        lambda ctx: reverse("public:badge_issuer_profile", args=[ctx["badge_certifier"].pk]),
        PUBLIC,
    ),
    "public:badge_status_list": (
        lambda ctx: reverse("public:badge_status_list", args=[ctx["public:badge_status_list"].key]),
        PUBLIC,
    ),
}
