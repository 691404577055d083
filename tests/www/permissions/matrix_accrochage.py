"""CDC accrochage staff screens (/gestion/accrochage/...).

The overview lists the user's own certifiers' holders and batches (another certifier's
staff gets the page with their own rows); a batch and its file belong to OPS Conseil:
hidden (404) from another certifier. Building a file and importing a report are POST only
(GET: 405 once the staff check passed).
"""

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from acquis.exports.models import AccrochageBatch
from tests.www.permissions.roles import STAFF, STAFF_OWN

POST_ONLY = {
    **STAFF,
    "administrateur": 405,
    "responsable_epreuves": 405,
    "admin_autre_certificateur": 405,
}


def extend_context(ctx):
    batch = AccrochageBatch(
        certifier=ctx["version"].certification.owner, created_at=timezone.now(), sha256="0" * 64
    )
    batch.file.save("accrochage-matrice.xml", ContentFile(b"<flux/>"))
    return {"accrochage_batch": batch}


ENTRIES = {
    "staff:accrochage": (lambda ctx: reverse("staff:accrochage"), STAFF),
    "staff:accrochage_export": (lambda ctx: reverse("staff:accrochage_export"), POST_ONLY),
    "staff:accrochage_report": (lambda ctx: reverse("staff:accrochage_report"), POST_ONLY),
    "staff:accrochage_batch": (
        lambda ctx: reverse("staff:accrochage_batch", args=[ctx["accrochage_batch"].pk]),
        STAFF_OWN,
    ),
    "staff:accrochage_download": (
        lambda ctx: reverse("staff:accrochage_download", args=[ctx["accrochage_batch"].pk]),
        STAFF_OWN,
    ),
}
