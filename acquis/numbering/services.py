"""The one way to draw a number from a locked counter (PV numbers, certificate numbers).

One model, `YearlyCounter`: `certifier`, `kind` (certificates, PV), `year` and `last`,
unique on (certifier, kind, year). The row is locked by the UPDATE that increments it until
the caller's transaction ends: two drawers never get the same number, and a transaction that
fails gives its number back (rolled back with it): no gap, no duplicate (PostgreSQL tests:
tests/juries/test_minutes_numbering_pg.py, tests/credentials/test_numbering_pg.py).
"""

import re
import unicodedata

from django.db import transaction
from django.db.models import F

from acquis.numbering.models import YearlyCounter


def prefix_for(certifier) -> str:
    """Up to three capitals from the certifier's name ("OPS Conseil" -> "OPS"), printed in
    its numbers so that two certifiers' documents and PVs read apart."""
    folded = unicodedata.normalize("NFKD", certifier.name).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", folded)
    if not words:
        return "CERT"
    first = words[0].upper()
    if first.isupper() and 2 <= len(first) <= 5 and words[0] == first:
        return first  # an acronym already ("OPS")
    return "".join(word[0] for word in words[:3]).upper()


def draw(kind: str, certifier, year: int) -> int:
    """The next number of this kind, certifier and year, inside the caller's transaction."""
    counters = YearlyCounter.objects.filter(certifier=certifier, kind=kind, year=year)
    # savepoint=False: a failed draw fails the caller's action, which must roll back anyway.
    with transaction.atomic(savepoint=False):
        # The UPDATE takes the row's write lock (a second drawer waits for the first to end,
        # then increments the committed value) and is one statement: certificates are issued
        # by the thousand. The year's first draw creates the row; ON CONFLICT DO NOTHING lets
        # a concurrent creation win, and the UPDATE that follows waits for it.
        if not counters.update(last=F("last") + 1):
            YearlyCounter.objects.bulk_create(
                [YearlyCounter(certifier=certifier, kind=kind, year=year, last=0)],
                ignore_conflicts=True,
            )
            counters.update(last=F("last") + 1)
        return counters.values_list("last", flat=True).get()
