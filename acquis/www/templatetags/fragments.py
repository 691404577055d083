"""`{% fragment "www/rows/sessions.html" %}`: a Jinja2 fragment rendered with the page's
context, loaded in every template (settings: `builtins`; why: acquis/www/fragments.py)."""

from django import template
from django.utils.safestring import mark_safe

from acquis.www.fragments import render_fragment

register = template.Library()


@register.simple_tag(takes_context=True)
def fragment(context, name: str) -> str:
    # Jinja2 escaped every value the fragment shows (autoescape).
    return mark_safe(render_fragment(name, context.flatten()))  # noqa: S308
