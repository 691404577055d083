"""Choices that stay bounded however many people or candidacies the certifier has.

A `<select>` of every juror or staff account grows with the certifier: hundreds of options
read from the database and sent with every page. `PersonChoiceField` shows a select while the
choices are few (up to MAX_OPTIONS, read in one query capped at MAX_OPTIONS + 1 rows); beyond,
an e-mail field: the staff types the address of the account (keyboard only, the browser's
own address completion), and the form looks it up among the same choices. The page runs the
same queries and keeps the same size with 2 people or 2,000.

`CandidacyChoiceField` does the same for candidacies (5,000 at a large certifier): a select
while they are few; beyond, a search (names, birth name, e-mail or candidacy number, as the
candidacy list) whose matches, at most PICKED, are offered as radio buttons. The page sends
the search as the user types (htmx) or, without JavaScript, as a plain GET of the page.
Whatever the page offered, the posted pk is checked again against the allowed candidacies.
"""

from dataclasses import dataclass

from django import forms
from django.db.models import Q

from acquis import search

MAX_OPTIONS = 50
# A search offers at most this many candidacies: enough to pick from, small for the page.
PICKED = 20
# Each word of a search is one condition of the query: at most this many are kept.
SEARCH_WORDS = 5


class ChoicesReadOnce(forms.models.ModelChoiceIterator):
    """The field's queryset itself, kept after its first reading. Django's iterator runs the
    query again at each reading, and a select without an empty choice reads its choices
    twice (for its `required` attribute, then for its options): two queries per select."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.queryset:
            yield self.choice(row)


class ModelChoiceField(forms.ModelChoiceField):
    """Django's, with its choices read in one query (`ChoicesReadOnce`); each form has its
    own copy of the queryset (Django copies a field's queryset for every form)."""

    iterator = ChoicesReadOnce


class PersonChoiceField(forms.ModelChoiceField):
    """A user (or a row tied to one) chosen from a select, or by e-mail address when the
    choices are many. `email_lookup` is the lookup of the person's address on the queryset's
    model ("email" for users, "user__email" for a juror's record)."""

    def __init__(self, *args, email_lookup: str = "email", **kwargs):
        self.email_lookup = email_lookup
        self.by_email = False
        super().__init__(*args, **kwargs)

    def bound(self, queryset, *, limit: int = MAX_OPTIONS) -> None:
        """Set the choices: a select when they are at most `limit`, an e-mail field otherwise."""
        self.queryset = queryset
        rows = list(queryset[: limit + 1])
        self.by_email = len(rows) > limit
        if self.by_email:
            self.widget = forms.EmailInput(attrs={"autocomplete": "email"})
            self.widget.is_required = self.required
            self.help_text = (
                "Adresse e-mail du compte"
                + (f" ({self.help_text.rstrip('.')})" if self.help_text else "")
                + " : la liste est trop longue pour être affichée."
            )
        else:
            # The rows just read, not a second query when the select is drawn.
            self.widget.choices = [("", self.empty_label)] + [
                (self.prepare_value(row), self.label_from_instance(row)) for row in rows
            ]

    def to_python(self, value):
        if not self.by_email:
            return super().to_python(value)
        value = (value or "").strip()
        if value in self.empty_values:
            return None
        match = self.queryset.filter(**{f"{self.email_lookup}__iexact": value}).first()
        if match is None:
            raise forms.ValidationError(
                f"« {value} » : aucun compte de la liste « {self.label} » n'a cette adresse.",
                code="invalid_choice",
            )
        return match

    def prepare_value(self, value):
        if self.by_email and hasattr(value, "_meta"):
            return self._email_of(value)
        return super().prepare_value(value)

    def _email_of(self, row) -> str:
        for name in self.email_lookup.split("__"):
            row = getattr(row, name)
        return row


class PersonLabelField(PersonChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.email


def candidacy_number(word: str):
    """A typed candidacy number ("1234", "n°1234") matches that candidacy."""
    digits = word.removeprefix("n°")
    return Q(pk=int(digits)) if digits.isdigit() and len(digits) < 10 else None


@dataclass
class Picked:
    """What a candidacy search offers: `options` (each with its `picker_label`), whether
    more matched than shown, the query as typed, and the pk of the choice already made."""

    options: list
    more: bool
    query: str
    chosen: int | None
    limit: int = PICKED


def pick(queryset, query, *, label, chosen=None, first=None, limit: int = PICKED) -> Picked:
    """The candidacies of `queryset` matching `query` (every word in the candidate's search
    text, or a candidacy number), at most `limit`; the `chosen` one (a pk as posted) stays
    offered whatever the search finds, if the queryset allows it. `first`: rows of the
    queryset already read, reused when there is nothing to search."""
    query = (query or "").strip()[:100]
    words = " ".join(search.words(query)[:SEARCH_WORDS])
    if words or first is None:
        found = search.search(
            queryset, words, field="candidate__search_text", extra=candidacy_number
        )
        first = found[: limit + 1]
    rows = list(first[: limit + 1])
    options = rows[:limit]
    picked = None
    if str(chosen).isdigit() and len(str(chosen)) < 10:  # a pk, not a number of any size
        picked = next((row for row in options if row.pk == int(chosen)), None)
        if picked is None:
            picked = queryset.filter(pk=chosen).first()
            if picked is not None:
                options.insert(0, picked)
    for row in options:
        row.picker_label = label(row)
    return Picked(options, len(rows) > limit, query, picked.pk if picked else None, limit)


class CandidacyChoiceField(forms.ModelChoiceField):
    """A candidacy chosen from a select while the allowed ones are at most MAX_OPTIONS, found
    by a search beyond (`searched`, the offer in `picked`). `refused` is the French error of
    a posted pk outside the allowed candidacies (unknown, another certifier's, no longer
    eligible): nothing is saved."""

    def __init__(self, *args, refused: str = "Candidature introuvable.", **kwargs):
        self.searched = False
        self.picked: Picked | None = None
        super().__init__(*args, **kwargs)
        self.error_messages["invalid_choice"] = refused
        self.error_messages["required"] = "Choisissez une candidature."

    def bound(self, queryset, *, query=None, chosen=None, searched=False, limit=MAX_OPTIONS):
        """Set the allowed candidacies: a select when they are at most `limit` (read in one
        query capped at limit + 1 rows), else the search for `query`. `searched`: the search
        whatever the count (the search endpoint)."""
        self.queryset = queryset
        if searched:
            self._search(query, chosen)
            return
        rows = list(queryset[: limit + 1])
        if len(rows) > limit:
            self._search(query, chosen, first=rows)
            return
        # The rows just read, not a second query when the select is drawn.
        self.widget.choices = [("", self.empty_label)] + [
            (self.prepare_value(row), self.label_from_instance(row)) for row in rows
        ]

    def _search(self, query, chosen, first=None) -> None:
        self.searched = True
        self.picked = pick(
            self.queryset, query, label=self.label_from_instance, chosen=chosen, first=first
        )
