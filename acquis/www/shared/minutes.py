"""What both pages of a deliberation's minutes (PV) show, the jury members' and the staff's;
each audience's views decide who reaches which deliberation and what they may do on it.
"""

import copy

from acquis.credentials import minutes_pdf
from acquis.dates import short_date
from acquis.juries import minutes as pv


def display_content(content: dict) -> dict:
    """The stored content with its ISO dates written the French way (a copy: the stored,
    hashed content is never touched)."""
    shown = copy.deepcopy(content)
    shown["deliberation"]["date"] = short_date(shown["deliberation"]["date"])
    for candidate in shown["candidates"]:
        candidate["birth_date"] = short_date(candidate["birth_date"])
        candidate["decision"]["deadline"] = short_date(candidate["decision"]["deadline"])
    for candidate in shown.setdefault("postponed", []):
        candidate["birth_date"] = short_date(candidate["birth_date"])
    return shown


def minutes_context(deliberation, minutes) -> dict:
    """What both PV pages (jury and staff) show."""
    return {
        "deliberation": deliberation,
        "minutes": minutes,
        "content": display_content(minutes.content) if minutes else None,
        "signatures": pv.signatures_state(minutes) if minutes else [],
        "superseded": list(deliberation.minutes.filter(superseded=True).order_by("generated_at")),
        "hash_ok": minutes is None or pv.content_hash(minutes.content) == minutes.content_hash,
        # The signed PDF of the PV, once issued (minutes_pdf.issue_minutes).
        "issued_pdf": minutes_pdf.issued_minutes(minutes) if minutes else None,
    }
