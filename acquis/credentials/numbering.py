"""Certificate numbers: one locked generator per certifier and year (`CertificateCounter`).

A number reads `OPS-2026-000123`: a prefix taken from the certifier's name, the year of
issue and a six-digit sequence. Certificates and block attestations draw from the same
sequence, so that every numbered document of a certifier is unique and a gap would show.
"""

import re
import unicodedata

from django.db import transaction

from acquis.credentials.models import CertificateCounter

NUMBER_FORMAT = "{prefix}-{year}-{number:06d}"


def prefix_for(certifier) -> str:
    """Up to three capitals from the certifier's name ("OPS Conseil" -> "OPS")."""
    folded = unicodedata.normalize("NFKD", certifier.name).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", folded)
    if not words:
        return "CERT"
    first = words[0].upper()
    if first.isupper() and 2 <= len(first) <= 5 and words[0] == first:
        return first  # an acronym already ("OPS")
    return "".join(word[0] for word in words[:3]).upper()


def next_certificate_number(certifier, year: int) -> str:
    """Draw the next number of this certifier and year, inside the caller's transaction.

    The counter row is locked (`select_for_update`) until the issuing transaction ends: two
    issuers never draw the same number, and a failed issue gives its number back (rolled back
    with it), so there is no gap (tests/credentials/test_numbering_pg.py).
    """
    with transaction.atomic():
        # ON CONFLICT DO NOTHING: a concurrent creation is ignored, and the locking read
        # below waits for whichever transaction holds the row.
        CertificateCounter.objects.bulk_create(
            [CertificateCounter(certifier=certifier, year=year, last=0)], ignore_conflicts=True
        )
        counter = CertificateCounter.objects.select_for_update().get(certifier=certifier, year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
    return NUMBER_FORMAT.format(prefix=prefix_for(certifier), year=year, number=counter.last)
