"""Cheap links (`pk_url`) and Jinja2 fragments (`{% fragment %}`): the same HTML as Django's
`{% url %}` and template language would give, escaped the same way for a browser."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, URLPattern, get_resolver, reverse, set_script_prefix

from acquis.www.fragments import render_fragment, yesno
from acquis.www.templatetags.links import pk_url


def _one_int_routes() -> list[str]:
    """Every named page of the project whose only argument is an integer."""
    names = []

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLPattern):
                converters = entry.pattern.converters
                if entry.name and len(converters) == 1:
                    [converter] = converters.values()
                    if type(converter).__name__ == "IntConverter":
                        names.append(f"{namespace}{entry.name}")
            else:
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_page_taking_an_id_gets_the_address_reverse_gives():
    names = _one_int_routes()
    assert len(names) > 50  # the staff, juror, candidate and partner pages of an object
    for name in names:
        for pk in (1, 7, 918273645, 10**12):
            assert pk_url(name, pk) == reverse(name, args=[pk]), name


def test_the_script_prefix_is_part_of_the_cache_key():
    try:
        set_script_prefix("/acquis/")
        assert pk_url("staff:session", 3) == "/acquis/gestion/sessions/3/"
    finally:
        set_script_prefix("/")
    assert pk_url("staff:session", 3) == "/gestion/sessions/3/"


def test_what_is_not_an_id_goes_through_reverse_with_its_errors():
    with pytest.raises(NoReverseMatch):
        pk_url("staff:session", None)
    with pytest.raises(NoReverseMatch):
        pk_url("staff:session", "abc")
    with pytest.raises(NoReverseMatch):
        pk_url("staff:no_such_page", 3)
    assert pk_url("staff:session", "12") == "/gestion/sessions/12/"


def test_the_filter_in_a_django_template_gives_what_the_url_tag_gives():
    html = Template("{{ 'staff:candidacy'|pk_url:c.pk }}|{% url 'staff:candidacy' c.pk %}").render(
        Context({"c": {"pk": 42}})
    )
    first, second = html.split("|")
    assert first == second == "/gestion/candidatures/42/"


def test_a_fragment_sees_the_page_context_and_escapes_what_it_shows():
    page = Template('<table>{% fragment "www/rows/deliberations.html" %}</table>')

    class Deliberation:
        pk = 5
        title = "Jury <b>d'automne</b>"
        date = None
        place = "Lyon & Villeurbanne"
        candidates = 3
        decided = 2

        def get_kind_display(self):
            return "Délibération"

        def get_status_display(self):
            return "Signée"

    html = page.render(Context({"deliberations": [Deliberation()]}))
    assert '<a href="/gestion/deliberations/5/">' in html
    assert "Jury &lt;b&gt;d&#39;automne&lt;/b&gt;" in html
    assert "Lyon &amp; Villeurbanne" in html
    assert "<b>" not in html


def test_a_name_the_fragment_does_not_know_shows_nothing_as_in_django_templates():
    html = render_fragment("www/rows/signed_deliberations.html", {})
    assert html.strip() == ""


@pytest.mark.parametrize(
    ("value", "choices", "expected"),
    [(True, "Oui,Non", "Oui"), (None, "Oui,Non", "Non"), (0, "joint,absent", "absent")],
)
def test_yesno_as_djangos(value, choices, expected):
    assert yesno(value, choices) == expected
    django = Template("{{ v|yesno:c }}").render(Context({"v": value, "c": choices}))
    # Django's filter gives its third choice, "maybe", for None only when there are three.
    assert django == expected
