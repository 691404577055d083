"""French dates as people write them, in one place ("1er juin 2026", "12 juin 2026 à 14 h 05").

Documents, letters, badges checks and PDFs print long dates with the month in words; the
screens use Django's localisation (`|date`); a numeric date built in Python for a screen
or a file ("12/06/2026", also from the ISO form a PV stores) is `short_date`; a date inside
an f-string message may stay `{value:%d/%m/%Y}`.
"""

from datetime import date, datetime

from django.utils import timezone

MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
).split()


def french_date(value: date | str | None) -> str:
    """ "1er juin 2026", "12 juin 2026"; a date or its ISO form (as stored in a PV's
    content); "" for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    first = "1er" if value.day == 1 else str(value.day)
    return f"{first} {MONTHS[value.month - 1]} {value.year}"


def short_date(value: date | str | None) -> str | None:
    """ "12/06/2026"; a date, a datetime (as is, not converted) or an ISO date; None stays
    None (a blank the caller shows as it likes)."""
    if value is None or value == "":
        return None if value is None else ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return value.strftime("%d/%m/%Y")


def french_datetime(value: datetime | str | None) -> str:
    """ "12 juin 2026 à 14 h 05" (no line break inside the time), in the local time zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    local = timezone.localtime(value)
    return f"{french_date(local.date())} à {local:%H}\u00a0h\u00a0{local:%M}"
