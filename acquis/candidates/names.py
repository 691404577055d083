"""One rule for a person's names, used everywhere a candidate is named: staff and partner
lists, e-mails, the certificate and attestations, letters, badges, the verification page.

- The name the person goes by is her **usage name** when she has one, else her **birth
  name**, in capitals (the CDC declaration carries both: formats.md §2 titulaire).
- When the usage name differs from the birth name, the birth name follows in brackets:
  « LEFÈVRE Julie (née MARCHAND) » (« né » for a man, « né(e) » when the sex is not known).
- Order « NOM Prénom » (lists sort on it); documents of civil status give every first name
  (`all_first_names`), the rest gives the first one.
"""

import unicodedata

from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def used_name(person) -> str:
    """The family name the person goes by, in capitals."""
    return ((person.usage_name or "").strip() or person.birth_name).upper()


def birth_mention(person) -> str:
    """« née MARCHAND » when the usage name differs from the birth name, else ""."""
    usage = (person.usage_name or "").strip()
    if not usage or _fold(usage) == _fold(person.birth_name):
        return ""
    born = {"F": "née", "M": "né"}.get(person.sex, "né(e)")
    return f"{born} {person.birth_name.upper()}"


def first_names(person, *, all_first_names: bool = False) -> str:
    if not all_first_names:
        return person.first_name
    names = (person.first_name, person.first_name_2, person.first_name_3)
    return " ".join(n for n in names if n)


# The columns `display_name` reads: what a list that shows people's names loads of them.
DISPLAY_NAME_FIELDS = (
    "birth_name",
    "usage_name",
    "first_name",
    "first_name_2",
    "first_name_3",
    "sex",
)


def display_name(person, *, all_first_names: bool = False) -> str:
    """« LEFÈVRE Julie (née MARCHAND) », « MARCHAND Julie » without a usage name."""
    name = f"{used_name(person)} {first_names(person, all_first_names=all_first_names)}"
    mention = birth_mention(person)
    return f"{name} ({mention})" if mention else name


def name_keys(prefix: str = "") -> tuple:
    """The displayed name's sort keys (usage name, else birth name, then first name)."""
    used = Coalesce(NullIf(F(f"{prefix}usage_name"), Value("")), F(f"{prefix}birth_name"))
    return (used, F(f"{prefix}first_name"))


def name_order(prefix: str = "") -> list:
    """ORDER BY the displayed name (usage name, else birth name, then first name)."""
    return [key.asc() for key in name_keys(prefix)]
