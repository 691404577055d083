"""URL names by audience (docs/architecture.md, "URLs").

- config/urls.py includes one URL module per audience of acquis/www/ (its urls.py, with an
  `app_name`), which includes that audience's other *_urls.py modules: every page of
  acquis.www is named `<audience>:<name>` ("staff:candidacies", "jury:grid",
  "public:home"), and no name repeats its audience as a prefix.

That no audience imports another (shared screens live in acquis/www/shared/) is checked with
the other import rules, in tests/test_architecture.py.
"""

import sys
import types
from pathlib import Path

from django.core.checks.urls import check_url_config, check_url_namespaces_unique
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, include, path

ROOT = Path(__file__).resolve().parents[2]
WWW = ROOT / "acquis" / "www"
# Audience package of acquis/www -> its namespace, and the prefix its names no longer carry.
AUDIENCES = {
    "public": ("public", None),
    "accounts": ("accounts", None),
    "staff": ("staff", "staff_"),
    "documents": ("documents", "document_"),
    "candidate": ("candidate", "candidate_"),
    "partner": ("partner", "partner_"),
    "jury": ("jury", "jury_"),
}
# Views modules importing another audience's views module today: screens to move to a shared
# module. The list may only shrink (an entry that no longer holds fails the test too).


def _module_name(urlconf) -> str:
    # A dotted path, a module, or a list of patterns (the admin's).
    return urlconf if isinstance(urlconf, str) else getattr(urlconf, "__name__", "")


def namespace_faults(resolver: URLResolver) -> list[str]:
    """What breaks the rule in a URLconf: an acquis.www URL module mounted at the top level
    other than its audience's urls.py (or twice), a URL of acquis.www whose namespaces are not
    exactly its audience's, an unnamed URL, a name still carrying its audience prefix, a
    *_urls.py module of an audience included nowhere."""
    faults: list[str] = []
    mounted: dict[str, int] = {}
    reached: set[str] = set()

    def walk(patterns, namespaces: tuple[str, ...], audience: str | None, top: bool):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                module = _module_name(entry.urlconf_name)
                parts = module.split(".")
                inner = audience
                if parts[:2] == ["acquis", "www"] and len(parts) == 4:
                    inner = parts[2]
                    reached.add(module)
                    if top:
                        mounted[inner] = mounted.get(inner, 0) + 1
                        if parts[3] != "urls":
                            faults.append(f"{module} inclus par config/urls.py")
                added = (entry.namespace,) if entry.namespace else ()
                walk(entry.url_patterns, namespaces + added, inner, False)
            elif isinstance(entry, URLPattern) and audience is not None:
                namespace, prefix = AUDIENCES[audience]
                shown = ":".join([*namespaces, str(entry.name)])
                if entry.name is None:
                    faults.append(f"{entry.pattern} ({audience}) : URL sans nom")
                elif namespaces != (namespace,):
                    faults.append(f"{shown} : hors de l'espace de noms « {namespace} »")
                elif prefix and entry.name.startswith(prefix):
                    faults.append(f"{shown} : le nom répète son public « {prefix} »")

    walk(resolver.url_patterns, (), None, True)
    for audience, count in mounted.items():
        if count != 1:
            faults.append(f"acquis.www.{audience} inclus {count} fois par config/urls.py")
    for audience in AUDIENCES:
        for module in sorted((WWW / audience).glob("*urls.py")):
            name = f"acquis.www.{audience}.{module.stem}"
            if name not in reached:
                faults.append(f"{name} inclus nulle part")
    return faults


def test_every_url_of_the_site_is_named_under_its_audience():
    assert namespace_faults(get_resolver()) == []
    # Django's own checks of the URLconf: no namespace declared twice (urls.W005), no faulty
    # pattern.
    assert check_url_namespaces_unique(None) == []
    assert check_url_config(None) == []


def test_the_namespace_check_finds_faults():
    """Each fault the check names, on a URLconf that has it (else the test above proves
    nothing)."""
    staff = types.ModuleType("acquis.www.staff.urls")
    staff.app_name = "staff"
    staff.urlpatterns = [path("a/", lambda request: None, name="staff_a")]
    jury = types.ModuleType("acquis.www.jury.grid_urls")
    jury.urlpatterns = [path("b/", lambda request: None, name="grid")]
    public = types.ModuleType("acquis.www.public.urls")
    public.app_name = "public"
    public.urlpatterns = [path("c/", lambda request: None)]
    conf = types.ModuleType("fake_urls")
    conf.urlpatterns = [
        path("gestion/", include(staff)),
        path("jury/", include(jury)),
        path("", include(public)),
        path("encore/", include(public, namespace="encore")),
    ]
    faults = "\n".join(namespace_faults(URLResolver(r"^/", conf)))
    assert "staff:staff_a : le nom répète son public" in faults
    assert "acquis.www.jury.grid_urls inclus par config/urls.py" in faults
    assert "grid : hors de l'espace de noms « jury »" in faults
    assert "c/ (public) : URL sans nom" in faults
    assert "acquis.www.public inclus 2 fois" in faults
    assert "acquis.www.jury.minutes_urls inclus nulle part" in faults


def test_django_warns_of_a_namespace_included_twice(monkeypatch):
    staff = types.ModuleType("acquis.www.staff.urls")
    staff.app_name = "staff"
    staff.urlpatterns = [path("a/", lambda request: None, name="a")]
    conf = types.ModuleType("tests.www.twice_urls")
    conf.urlpatterns = [path("x/", include(staff)), path("y/", include(staff))]
    monkeypatch.setitem(sys.modules, conf.__name__, conf)
    with override_settings(ROOT_URLCONF=conf.__name__):
        assert [w.id for w in check_url_namespaces_unique(None)] == ["urls.W005"]
