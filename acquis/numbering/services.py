"""The one way to draw a number from a locked counter (PV numbers, certificate numbers).

One model, `YearlyCounter`: `certifier`, `kind` (certificates, PV), `year` and `last`,
unique on (certifier, kind, year). The row is
locked (`select_for_update`) until the caller's transaction ends: two drawers never get the
same number, and a transaction that fails gives its number back (rolled back with it): no
gap, no duplicate (PostgreSQL tests: tests/juries/test_minutes_numbering_pg.py,
tests/credentials/test_numbering_pg.py).
"""

import re
import unicodedata

from django.db import transaction

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
    key = {"certifier": certifier, "kind": kind, "year": year}
    with transaction.atomic():
        # ON CONFLICT DO NOTHING: a concurrent creation is ignored, and the locking read
        # below waits for whichever transaction holds the row.
        YearlyCounter.objects.bulk_create([YearlyCounter(**key, last=0)], ignore_conflicts=True)
        counter = YearlyCounter.objects.select_for_update().get(**key)
        counter.last += 1
        counter.save(update_fields=["last"])
    return counter.last
