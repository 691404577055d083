"""A choice of a person that stays bounded however many people the certifier has.

A `<select>` of every juror or staff account grows with the certifier: hundreds of options
read from the database and sent with every page. `PersonChoiceField` shows a select while the
choices are few (up to MAX_OPTIONS, read in one query capped at MAX_OPTIONS + 1 rows); beyond,
an e-mail field: the staff types the address of the account (keyboard only, the browser's
own address completion), and the form looks it up among the same choices. The page runs the
same queries and keeps the same size with 2 people or 2,000.
"""

from django import forms

MAX_OPTIONS = 50


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
