"""The staff menu: every page of « Gestion » reachable, grouped, the current page marked;
the staff land on « À suivre » after logging in."""

import re

import pytest
from django.urls import reverse

from acquis.www.staff.menu import GROUPS
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

GROUP_LABELS = ["Candidats", "Épreuves", "Jurys", "Documents", "Pilotage", "Administration"]


def login(client, persona):
    assert client.login(email=persona.email, password=PASSWORD)


def menu_of(html: str) -> str:
    return re.search(r'<nav aria-label="Gestion".*?</nav>', html, re.S)[0]


def test_the_menu_is_grouped_and_reaches_every_list_page(client, personas):
    login(client, personas["administrateur"])
    menu = menu_of(client.get(reverse("staff:dashboard")).content.decode())
    assert re.findall(r'class="staff-menu-label"[^>]*>([^<]+)<', menu) == GROUP_LABELS
    for name in (
        "staff:candidacies", "staff:candidate_new", "staff:cohorts", "staff:sessions",
        "staff:jurors", "staff:deliberations", "staff:credentials", "staff:expiries",
        "staff:statistics", "staff:accrochage", "staff:referentials", "staff:users",
        "staff:partners", "staff:api_clients",
    ):  # fmt: skip
        assert f'href="{reverse(name)}"' in menu, name


def test_every_menu_entry_opens_for_the_staff(client, personas):
    login(client, personas["administrateur"])
    for group in GROUPS:
        for entry in group.entries:
            assert client.get(reverse(entry.url_name)).status_code == 200, entry.url_name


def test_the_exam_manager_does_not_see_the_administrator_only_entries(client, personas):
    login(client, personas["responsable_epreuves"])
    menu = menu_of(client.get(reverse("staff:dashboard")).content.decode())
    assert reverse("staff:api_clients") not in menu
    assert f'href="{reverse("staff:users")}"' in menu


def test_the_current_page_and_its_entry_are_marked(client, personas, ops_version):
    login(client, personas["responsable_epreuves"])
    menu = menu_of(client.get(reverse("staff:cohorts")).content.decode())
    assert re.findall(r'href="([^"]+)"\s+aria-current="page"', menu) == [reverse("staff:cohorts")]
    # A detail page marks the entry it belongs to (not as the page itself).
    code = ops_version.certification.code
    menu = menu_of(client.get(reverse("staff:versions", args=[code])).content.decode())
    assert re.findall(r'href="([^"]+)"\s+aria-current="(\w+)"', menu) == [
        (reverse("staff:referentials"), "true")
    ]


def test_the_staff_referentials_link_opens_the_referentials(client, personas, ops_version):
    login(client, personas["responsable_epreuves"])
    html = client.get(reverse("staff:referentials")).content.decode()
    assert '<h1 id="referentiels">Référentiels</h1>' in html
    assert reverse("staff:versions", args=[ops_version.certification.code]) in html
    dashboard = client.get(reverse("staff:dashboard")).content.decode()
    assert '<h1 id="a-suivre">À suivre</h1>' in dashboard


def test_the_staff_land_on_the_dashboard_after_login(client, personas):
    login(client, personas["responsable_epreuves"])  # the test login is second-factor verified
    assert client.get(reverse("accounts:after_login")).url == reverse("staff:dashboard")


def test_other_audiences_have_no_staff_menu(client, personas):
    login(client, personas["candidat"])
    html = client.get(reverse("candidate:dossier")).content.decode()
    assert 'aria-label="Gestion"' not in html
    assert 'href="/mon-dossier/" aria-current="true"' in html
