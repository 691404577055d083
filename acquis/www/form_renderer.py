"""How forms render on every page: Django's own widget templates in their Jinja2 version, and
the project's field template (label, help and errors tied to the input).

Why Jinja2 here while the pages stay in Django's template language: a form is many small
templates (a select renders one per option, plus one for its attributes), and Django's
template language costs 40 to 100 Python calls for each of them. On the staff list pages
(filters above the table, a creation form below it) the form templates were about half of the
page's rendering time; Jinja2 compiles them to Python and renders the same HTML several times
faster (bench/README.md, "Page CPU"). The only difference in the HTML, whitespace aside, is
the spelling of two escaped characters (Jinja2 writes `&#39;` and `&#34;` where Django writes
`&#x27;` and `&quot;`): the same characters for a browser.
"""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property


class FormRenderer(Jinja2):
    # `{{ field.as_field_group }}` in a page renders acquis/www/jinja2/www/field.html.
    field_template_name = "www/field.html"

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            # Django's administration ships its widgets' templates (the "+" beside a select…)
            # for Django's template language only.
            return self._django_engine.get_template(template_name)

    @cached_property
    def _django_engine(self):
        return DjangoTemplates().engine
