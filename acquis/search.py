"""One accent- and case-insensitive search, the same on SQLite and PostgreSQL.

A searchable model keeps a `search_text` column: its words passed through `normalise`
(NFKD, combining marks removed, casefolded, spaces collapsed), filled on save. A query is
normalised the same way and cut into words; a row matches when EVERY word is contained in
it, in any order: "Inès Lefèvre", "LEFEVRE ines", an e-mail all find "LEFÈVRE Inès".
Plain `LIKE` on an already folded column: no database extension (unaccent) needed, and the
two databases give the same answers.
"""

import datetime
import re
import unicodedata

from django.db.models import Q

_SPACES = re.compile(r"\s+")
# A typed date: 12/05/2026, 12-05-2026, 12.05.2026 or 2026-05-12.
_FRENCH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def normalise(*texts) -> str:
    """The searchable form of some texts: "  LEFÈVRE  Inès " -> "lefevre ines"."""
    text = " ".join(str(t) for t in texts if t)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    # casefold() turns "ß" into "ss", "ŒUVRE" stays "œuvre" (NFKD keeps the ligature).
    return _SPACES.sub(" ", text.casefold()).strip()


def words(query: str | None) -> list[str]:
    """The words of a typed query, normalised, without repeats (order kept)."""
    return list(dict.fromkeys(normalise(query or "").split()))


def word_date(word: str) -> datetime.date | None:
    """The date a word spells, if it is one (French or ISO order), else None."""
    match = _FRENCH_DATE.match(word)
    if match:
        day, month, year = match.groups()
    else:
        match = _ISO_DATE.match(word)
        if not match:
            return None
        year, month, day = match.groups()
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def search(queryset, query: str | None, *, field: str = "search_text", extra=None):
    """`queryset` restricted to the rows whose `field` contains every word of `query`.

    `extra(word)` may give another Q a word can match instead (a number, a date): the word
    matches if it is in the search text OR satisfies that Q."""
    for word in words(query):
        condition = Q(**{f"{field}__contains": word})
        if extra is not None:
            more = extra(word)
            if more is not None:
                condition |= more
        queryset = queryset.filter(condition)
    return queryset
