"""Certificate numbers: one locked generator per certifier and year (`YearlyCounter`).

A number reads `OPS-2026-000123`: a prefix taken from the certifier's name, the year of
issue and a six-digit sequence. Certificates and block attestations draw from the same
sequence, so that every numbered document of a certifier is unique and a gap would show.
"""

from acquis.numbering.models import CounterKind
from acquis.numbering.services import draw, prefix_for

NUMBER_FORMAT = "{prefix}-{year}-{number:06d}"

__all__ = ["next_certificate_number", "prefix_for"]


def next_certificate_number(certifier, year: int) -> str:
    """Draw the next number of this certifier and year, inside the caller's transaction
    (acquis.numbering.services.draw: locked counter, no gap, no duplicate)."""
    number = draw(CounterKind.CERTIFICATE, certifier, year)
    return NUMBER_FORMAT.format(prefix=prefix_for(certifier), year=year, number=number)
