"""What every part of the demo shares: its password and second factor, its people and
files, the candidate's own account. Imports no other demo module (no cycle)."""

import io
import unicodedata
from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from acquis.candidates.portal import give_portal_access
from acquis.organisations.enums import Role
from acquis.organisations.invitations import accept_invitation
from acquis.organisations.models import User
from acquis.organisations.services import grant_role

DEMO_PASSWORD = "demo-acquis-2026"  # noqa: S105 - printed at start, demo only
# Second factor of the demo accounts that must have one (staff, jury members): one public
# secret, printed by `acquis demo` (add it to an authenticator app, or ask
# `acquis demo --code`). Demo only: never a real account's secret.
DEMO_TOTP_KEY = "41637175697320646d6f2032464120736563726574"  # noqa: S105
PARTNER = "Formation Plus Lyon"
PARTNER_SIRET = "73282932000074"  # fictitious number that passes the SIRET key


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str


def user(email, first, last, organisation, role) -> User:
    """The demo account (created once, with the demo password) and its role."""
    account = User.objects.filter(email=email).first()
    if account is None:
        account = User.objects.create_user(
            email,
            DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
    grant_role(account, organisation, role)
    return account


def pdf(name: str) -> SimpleUploadedFile:
    body = (
        # One blank page: the upload checks (qpdf) refuse a PDF without any.
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(name, io.BytesIO(body).read(), content_type="application/pdf")


def ascii_only(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def open_portal(candidate, manager) -> None:
    """The candidate's own account, through the real invitation (its link is followed here)."""
    account = give_portal_access(candidate, actor=manager)
    uid = urlsafe_base64_encode(force_bytes(account.pk))
    accept_invitation(uid, default_token_generator.make_token(account), DEMO_PASSWORD)
