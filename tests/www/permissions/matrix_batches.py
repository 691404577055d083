"""Issuing batches: the progress fragment of a deliberation's latest batch (htmx polling).

The deliberation is the one of the issued document of matrix_credentials_documents (owned
by OPS Conseil: another certifier's staff gets 404). Without a batch the fragment answers
200 (the 286 that stops htmx polling is only for htmx requests: tests/www/test_batch_pages).
"""

from django.urls import reverse

from tests.www.permissions.matrix_credentials_documents import _document
from tests.www.permissions.roles import STAFF_OWN

ENTRIES = {
    "staff:issuing_batch_progress": (
        lambda ctx: reverse(
            "staff:issuing_batch_progress", args=[_document(ctx).decision.deliberation_id]
        ),
        STAFF_OWN,
    ),
}
