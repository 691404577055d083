"""The statistics page and its CSV export: certifier staff only (admin and exam manager).

Another certifier's administrator gets the page too (200), with their own figures only:
isolation is asserted in tests/www/test_statistics_pages.py.
"""

from django.urls import reverse

from tests.www.permissions.roles import STAFF

ENTRIES = {
    "staff:statistics": (lambda ctx: reverse("staff:statistics"), STAFF),
    "staff:statistics_export": (lambda ctx: reverse("staff:statistics_export"), STAFF),
}
