"""Numeric French dates for the screens, loaded in every template (settings: `builtins`).

`{{ day|short_date }}` gives what `{{ day|date:"d/m/Y" }}` gives, `short_datetime` what
"d/m/Y H:i" gives and `short_datetime_at` "d/m/Y à H:i" — a datetime in the current time
zone, as Django's `date` filter shows it — at a small part of its cost: Django's filter looks
up the localised formats and parses its format string for every value, and a list shows two
or three dates on each of its fifty rows.
"""

from django import template

from acquis.dates import short_date as _short_date

register = template.Library()


@register.filter(expects_localtime=True)
def short_date(value) -> str:
    if not value:
        return ""
    return _short_date(value) or ""


@register.filter(expects_localtime=True)
def short_datetime(value) -> str:
    if not value:
        return ""
    return value.strftime("%d/%m/%Y %H:%M")


@register.filter(expects_localtime=True)
def short_datetime_at(value) -> str:
    if not value:
        return ""
    return value.strftime("%d/%m/%Y à %H:%M")
