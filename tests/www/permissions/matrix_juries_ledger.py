"""The partial-validation ledger's staff screen (/gestion/validations-partielles/).

A list of the user's own certifiers' rows: another certifier's staff gets the page (200),
with their own rows only (checked in tests/www/test_expiries_page.py).
"""

from django.urls import reverse

from tests.www.permissions.roles import STAFF

ENTRIES = {
    "staff:expiries": (lambda ctx: reverse("staff:expiries"), STAFF),
}
