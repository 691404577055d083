"""`{{ 'staff:session'|pk_url:session.pk }}`: the address of a page that takes one object's
integer id, the same text as `{% url "staff:session" session.pk %}`, loaded in every template
(settings: `builtins`).

Why: Django's `reverse` walks the URL resolver on every call (about a hundred Python calls),
and a list shows one or two links on each of its fifty rows. The address of such a page is
fixed text around the id: it is reversed once per process (per URLconf and script prefix,
the keys of the cache) with a marker id, and each row's id takes the marker's place. Anything
else than an integer (None, a string) goes through `reverse` as before, with its errors.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

# An id no row has; it must appear once in the reversed address for the shortcut to apply.
_MARKER = 918273645


@lru_cache(maxsize=512)
def _around_id(name: str, prefix: str, urlconf, root_urlconf) -> tuple[str, str] | None:
    """(text before the id, text after it), or None when the address is not "text, id, text"."""
    address = reverse(name, args=[_MARKER], urlconf=urlconf)
    parts = address.split(str(_MARKER))
    return (parts[0], parts[1]) if len(parts) == 2 else None


def pk_url(name: str, pk) -> str:
    if isinstance(pk, int) and not isinstance(pk, bool):
        around = _around_id(name, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
        if around is not None:
            return f"{around[0]}{pk}{around[1]}"
    return reverse(name, args=[pk])


register.filter("pk_url", pk_url)
