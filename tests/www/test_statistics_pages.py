"""The statistics page and its CSV export through the test client: figures, charts and
their tables, filters, French errors on bad input, and another certifier's isolation."""

import codecs
import csv
import html as html_lib
import io
import re

import pytest
from django.urls import reverse

from acquis.candidates import services as candidate_services
from acquis.organisations.enums import Role
from acquis.organisations.services import ensure_certifier
from tests.conftest import PASSWORD, make_user
from tests.exports.statistics_factories import signed_rows, world_fixture

pytestmark = pytest.mark.django_db
world = world_fixture()
PAGE = reverse("staff_statistics")
CSV = reverse("staff_statistics_export")


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def manager(client, personas, world):
    return login(client, personas["responsable_epreuves"])


def text(response) -> str:
    """The page's HTML with its entities decoded (apostrophes are escaped as &#x27;)."""
    return html_lib.unescape(response.content.decode())


def sections(response) -> dict[str, list[list[str]]]:
    """The CSV as {table title: rows (header first)}; the heading lines under ""."""
    assert response.content.startswith(codecs.BOM_UTF8)
    text = response.content.decode("utf-8-sig")
    found, current = {"": []}, ""
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    for index, row in enumerate(rows):
        if not row:
            current = None
        elif current is None:
            current = row[0]
            found[current] = []
        else:
            found[current].append(row)
        assert index == 0 or "\ufeff" not in "".join(row)
    return found


def test_the_page_shows_figures_charts_and_their_tables(manager):
    response = manager.get(PAGE)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.overall.decisions == 7
    html = text(response)
    assert '<a href="/gestion/statistiques/">Statistiques</a>' in html  # the staff nav
    for label, value in [
        ("Candidats décidés", "6"),
        ("Décisions en vigueur", "7"),
        ("Taux d'obtention du titre", "50,0\xa0%"),
        ("Taux de réussite des blocs", "81,8\xa0%"),
    ]:
        assert re.search(rf"<dt>{re.escape(label)}</dt>\s*<dd>\s*{re.escape(value)}\s*</dd>", html)
    charts = re.findall(r'<svg role="img"\s+aria-labelledby="([^"]+)"', html)
    assert len(charts) == 7  # decisions, blocks, pathway, cohort, partner, deliberation, sessions
    for labelled_by in charts:
        title_id, desc_id = labelled_by.split()
        assert f'<title id="{title_id}">' in html and f'<desc id="{desc_id}">' in html
    # B3: 4 of 7 blocks decided are validated, written beside its bar and in the table.
    assert "57,1 % (4 sur 7)" in html
    assert re.search(r"<th scope=\"row\">B3</th>(\s*<td>[^<]*</td>){4}\s*<td>57,1\xa0%</td>", html)
    # SVG geometry is never localised (320 × 57.1 % = 182.7, not "182,7").
    assert 'width="182.7"' in html and 'width="182,7"' not in html
    assert "Aucune décision signée" not in html


def test_filter_by_year_and_pathway(manager):
    response = manager.get(PAGE, {"annee": "2025"})
    assert response.context["report"].overall.decisions == 4
    assert "Filtres appliqués : Période : du 01/01/2025 au 31/12/2025." in text(response)
    response = manager.get(PAGE, {"voie": "vae"})
    report = response.context["report"]
    assert [o.label for o in report.by_pathway] == ["VAE"]
    assert (report.overall.decisions, report.overall.partial) == (1, 1)
    html = text(response)
    assert 'href="/gestion/statistiques/export.csv?voie=vae"' in html
    response = manager.get(PAGE, {"du": "2026-01-01", "au": "2026-01-31"})
    assert response.context["report"].overall.total == 1  # the correction only


def test_filter_by_cohort_partner_and_certification(manager, world):
    version = world.total.version
    response = manager.get(PAGE, {"promotion": world.cohort.pk})
    assert response.context["report"].overall.decisions == 2
    response = manager.get(PAGE, {"partenaire": world.partner.pk})
    assert response.context["report"].overall.decisions == 2
    for value in (f"v{version.pk}", f"c{version.certification.pk}"):
        response = manager.get(PAGE, {"certification": value})
        assert response.context["report"].overall.decisions == 7


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"annee": "deux mille"}, "Année de délibération : saisissez une année"),
        ({"annee": "25"}, "Année de délibération : saisissez une année"),
        ({"du": "2026-13-01"}, "Délibérations du : date invalide"),
        ({"au": "hier"}, "Délibérations au : date invalide"),
        ({"du": "2026-02-01", "au": "2026-01-01"}, "Délibérations au : cette date précède"),
        ({"annee": "2025", "du": "2025-01-01"}, "pas les deux"),
        ({"voie": "alternance"}, "Voie d'accès : choix inconnu."),
        ({"certification": "v999999"}, "Certification : choix inconnu."),
        ({"promotion": "999999"}, "Promotion : choix inconnu."),
        ({"partenaire": "abc"}, "Organisme partenaire : choix inconnu."),
    ],
)
def test_bad_filters_are_refused_in_french_naming_the_field(manager, query, message):
    response = manager.get(PAGE, query)
    assert response.status_code == 200
    html = text(response)
    assert message in html
    assert 'role="alert"' in html
    assert "report" not in response.context  # no figure computed on wrong filters
    export = manager.get(CSV, query)
    assert export.status_code == 400
    assert export["Content-Type"] == "text/plain; charset=utf-8"
    assert message in export.content.decode()


def test_the_csv_has_the_same_tables(manager):
    response = manager.get(CSV, {"annee": "2025"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="statistiques-\d{4}-\d{2}-\d{2}\.csv"',
        response["Content-Disposition"],
    )
    found = sections(response)
    heading = [row[0] for row in found[""]]
    assert heading[0] == "Statistiques de certification — OPS Conseil"
    assert heading[2] == "Filtres : Période : du 01/01/2025 au 31/12/2025"
    assert list(found) == [
        "",
        "Chiffres clés",
        "Candidatures par état et voie d'accès",
        "Décisions en vigueur par type",
        "Réussite par bloc de compétences",
        "Réussite par voie d'accès",
        "Réussite par promotion",
        "Réussite par organisme partenaire",
        "Réussite par délibération du jury",
        "Résultats des épreuves par session d'évaluation",
    ]
    assert found["Décisions en vigueur par type"] == [
        ["Décision", "Nombre", "Part des décisions"],
        ["Validation totale", "1", "25,0"],
        ["Validation partielle", "2", "50,0"],
        ["Refus de validation", "1", "25,0"],
        ["Total", "4", "100,0"],
    ]
    blocks = {row[0]: row for row in found["Réussite par bloc de compétences"][1:]}
    assert blocks["B3"][3:] == ["4", "1", "25,0"]  # D1: only the total validated B3
    pathways = found["Réussite par voie d'accès"]
    assert pathways[0][6] == "Taux d'obtention du titre"
    free = next(row for row in pathways if row[0] == "Candidat libre")
    assert free[6] == ""  # not computable: no candidacy aiming at the title


def test_csv_cells_cannot_run_as_formulas(client, world):
    hostile = ensure_certifier(name="Certificateur piégé")
    admin = make_user("piege@test.fr", hostile, Role.ADMIN)
    # Two decisions: the second candidacy is in the cohort (signed_rows alternates).
    signed_rows(world.total.version, hostile, 2, cohort_name='=HYPERLINK("http://x")')
    login(client, admin)
    cohorts = [row[0] for row in sections(client.get(CSV))["Réussite par promotion"][1:]]
    assert cohorts == ['\'=HYPERLINK("http://x")', "Sans promotion"]


def test_another_certifier_sees_only_its_own(client, personas, world):
    other = personas["admin_autre_certificateur"]
    login(client, other)
    response = client.get(PAGE)
    assert response.context["report"].overall.decisions == 0
    html = text(response)
    assert "Aucune décision signée ne correspond à ces critères" in html
    assert "Promotion Lyon 2025" not in html and "Insertion Formation Rhône" not in html
    assert "Session d'évaluation —" not in html
    # Our cohort cannot be picked to peek at our figures.
    response = client.get(PAGE, {"promotion": world.cohort.pk})
    assert "Promotion : choix inconnu." in text(response)
    assert client.get(CSV, {"promotion": world.cohort.pk}).status_code == 400
    # Their own decision is theirs alone.
    signed_rows(world.total.version, other.staff_certifiers().get(), 1, cohort_name="Leur promo")
    response = client.get(PAGE)
    assert response.context["report"].overall.decisions == 1
    found = sections(client.get(CSV))
    assert found[""][0] == ["Statistiques de certification — Autre Certificateur"]
    assert [row[0] for row in found["Réussite par délibération du jury"][1:]] == ["Jury mesuré"]
    assert "Promotion Lyon 2025" not in client.get(CSV).content.decode("utf-8-sig")


def test_the_filter_choices_are_the_certifiers_own(client, personas, world):
    candidate_services.create_cohort(
        certifier=personas["admin_autre_certificateur"].staff_certifiers().get(),
        version=world.total.version,
        name="Promotion d'ailleurs",
    )
    login(client, personas["administrateur"])
    form = client.get(PAGE).context["form"]
    assert [c.name for c in form.fields["promotion"].queryset] == ["Promotion Lyon 2025"]
    assert "Insertion Formation Rhône" in [p.name for p in form.fields["partenaire"].queryset]
    labels = [label for _, label in form.fields["certification"].choices]
    title = world.total.version.certification.title
    assert labels == ["Toutes", f"{title} (toutes versions)", f"{title} — version 1"]


@pytest.mark.parametrize("size", [2, 20])
def test_the_page_runs_a_constant_number_of_queries(client, world, size, django_assert_num_queries):
    measured = ensure_certifier(name=f"Certificateur mesuré {size}")
    user = make_user(f"mesure{size}@test.fr", measured, Role.EXAM_MANAGER)
    signed_rows(world.total.version, measured, size)
    login(client, user)
    with django_assert_num_queries(17):  # 16 + the session's second-factor device
        response = client.get(PAGE)
    assert response.context["report"].overall.decisions == size
