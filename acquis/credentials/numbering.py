"""Certificate numbers: one locked generator per certifier and year (`CertificateCounter`).

A number reads `OPS-2026-000123`: a prefix taken from the certifier's name, the year of
issue and a six-digit sequence. Certificates and block attestations draw from the same
sequence, so that every numbered document of a certifier is unique and a gap would show.
"""

import re
import unicodedata

from acquis.credentials.models import CertificateCounter
from acquis.numbering import draw

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
    """Draw the next number of this certifier and year, inside the caller's transaction
    (acquis.numbering.draw: locked counter, no gap, no duplicate)."""
    number = draw(CertificateCounter, certifier, year)
    return NUMBER_FORMAT.format(prefix=prefix_for(certifier), year=year, number=number)
