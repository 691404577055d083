"""The e-mail log (/gestion/courriels/): the certifier's staff; another certifier's e-mail
is a 404. « Renvoyer » is POST-only (405 to a GET once the staff check passed); its first
POST shows the confirmation page."""

from django.urls import reverse
from django.utils import timezone

from acquis.emails.models import EmailLog
from tests.www.permissions.roles import STAFF

RESEND = {
    **STAFF,
    "administrateur": 405,
    "responsable_epreuves": 405,
    "admin_autre_certificateur": 405,
}
RESEND_POST = {**STAFF, "admin_autre_certificateur": 404}


def extend_context(ctx) -> dict:
    admin = ctx["personas"]["administrateur"]
    email = EmailLog.objects.create(
        kind="convocation",
        recipient="candidat@example.org",
        subject="Convocation",
        body="Bonjour",
        certifier=admin.memberships.get().organisation,
        created_at=timezone.now(),
        status="failed",
        error="Connection refused",
    )
    return {"email_log": email}


ENTRIES = {
    "staff:emails": (lambda ctx: reverse("staff:emails"), STAFF),
    "staff:email_resend": (
        lambda ctx: reverse("staff:email_resend", args=[ctx["email_log"].pk]),
        RESEND,
        RESEND_POST,
    ),
}
