"""Jinja2 for the fragments a page repeats many times (the rows of a list's table), while the
pages themselves stay in Django's template language.

Why: Django's template language costs 40 to 60 Python calls for each `{{ value }}` it shows
(a lookup tries a dictionary, an attribute, an index in turn, then escapes), so a table of 50
rows and 6 to 8 cells cost 15,000 to 20,000 calls — the largest part of a list page's CPU
once its queries were lean. Jinja2 compiles a template into Python: the same rows cost a
third of that (bench/README.md, "Page CPU"). A page includes a fragment with
`{% fragment "www/rows/sessions.html" %}`: the fragment sees the page's context.

The fragments live in acquis/www/jinja2/ (beside the forms' field template, rendered by the
same engine family) and have the few helpers they need: `url(name, *args)` (an object's id
takes the cheap path of `pk_url`), `short_date`, `short_datetime`, `yesno`.
"""

from pathlib import Path

import jinja2
from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from acquis.www.templatetags.dates import short_date, short_datetime, short_datetime_at
from acquis.www.templatetags.links import pk_url

TEMPLATES_DIR = Path(__file__).parent / "jinja2"


def url(name: str, *args) -> str:
    """`{% url name arg %}` of Django's templates, for a fragment."""
    if len(args) == 1:
        return pk_url(name, args[0])
    return reverse(name, args=args)


def yesno(value, choices: str = "oui,non") -> str:
    """Django's `yesno` filter with two choices: "Oui,Non" → "Oui" when true."""
    yes, no = choices.split(",", 1)
    return yes if value else no


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(  # noqa: S701 (autoescape is on)
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        auto_reload=settings.DEBUG,
        # A name a fragment does not know shows nothing, as in Django's templates.
        undefined=jinja2.Undefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["url"] = url
    environment.filters.update(
        short_date=short_date,
        short_datetime=short_datetime,
        short_datetime_at=short_datetime_at,
        yesno=yesno,
    )
    return environment


# Built on first use (settings are read then), once per process.
environment = SimpleLazyObject(_environment)


def render_fragment(name: str, context: dict) -> str:
    return environment.get_template(name).render(context)
