"""The statistics page and its data files through the test client: figures, charts and
their tables, filters, French errors on bad input, and another certifier's isolation. The
files (XLSX, ZIP of CSV) are read back by pandas, as a data analyst would."""

import html as html_lib
import io
import math
import re
import zipfile

import pytest
from django.urls import reverse

from acquis.candidates import services as candidate_services
from acquis.organisations.enums import Role
from acquis.organisations.services import ensure_certifier
from tests.conftest import PASSWORD, make_user
from tests.exports.statistics_factories import signed_rows, world_fixture

pytestmark = pytest.mark.django_db
world = world_fixture()
PAGE = reverse("staff:statistics")
EXPORT = reverse("staff:statistics_export")


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def manager(client, personas, world):
    return login(client, personas["responsable_epreuves"])


def text(response) -> str:
    """The page's HTML with its entities decoded (apostrophes are escaped as &#x27;)."""
    return html_lib.unescape(response.content.decode())


def frames(response) -> dict:
    """Every table of an export as pandas reads it: the XLSX's sheets, or the ZIP's CSVs."""
    import pandas as pd

    data = io.BytesIO(response.content)
    if response["Content-Type"] == "application/zip":
        with zipfile.ZipFile(data) as archive:
            return {
                name.removesuffix(".csv"): pd.read_csv(archive.open(name), keep_default_na=False)
                for name in archive.namelist()
            }
    return pd.read_excel(data, sheet_name=None)


def test_the_page_shows_figures_charts_and_their_tables(manager):
    response = manager.get(PAGE)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.overall.decisions == 7
    html = text(response)
    flat = " ".join(html.split())
    # The staff menu, this page marked as the current one.
    assert '<a href="/gestion/statistiques/" aria-current="page">Statistiques</a>' in flat
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
    html = response.content.decode()
    assert 'href="/gestion/statistiques/export?format=xlsx&amp;voie=vae"' in html
    assert 'href="/gestion/statistiques/export?format=zip&amp;voie=vae"' in html
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
    export = manager.get(EXPORT, query)
    assert export.status_code == 400
    assert export["Content-Type"] == "text/plain; charset=utf-8"
    assert message in export.content.decode()


TABLES = [
    "a-propos",
    "chiffres",
    "candidatures",
    "decisions",
    "blocs",
    "voies",
    "promotions",
    "partenaires",
    "deliberations",
    "sessions",
]


@pytest.mark.parametrize("fmt", ["xlsx", "zip"])
def test_the_files_hold_one_tidy_table_each(manager, fmt):
    response = manager.get(EXPORT, {"annee": "2025", "format": fmt})
    assert response.status_code == 200
    assert re.fullmatch(
        rf'attachment; filename="statistiques-\d{{4}}-\d{{2}}-\d{{2}}\.{fmt}"',
        response["Content-Disposition"],
    )
    found = frames(response)
    assert list(found) == TABLES
    about = dict(zip(found["a-propos"]["Élément"], found["a-propos"]["Valeur"], strict=True))
    assert about["Certificateur"] == "OPS Conseil"
    assert about["Filtres"] == "Période : du 01/01/2025 au 31/12/2025"
    assert about["Tableau « blocs »"] == "Réussite par bloc de compétences"
    decisions = found["decisions"]
    assert list(decisions.columns) == ["Décision", "Nombre", "Part des décisions (%)"]
    assert decisions.to_dict("records") == [  # no total row: tidy
        {"Décision": "Validation totale", "Nombre": 1, "Part des décisions (%)": 25.0},
        {"Décision": "Validation partielle", "Nombre": 2, "Part des décisions (%)": 50.0},
        {"Décision": "Refus de validation", "Nombre": 1, "Part des décisions (%)": 25.0},
    ]
    assert decisions["Nombre"].dtype.kind == "i" and decisions.iloc[:, 2].dtype.kind in "if"
    blocks = found["blocs"].set_index("Bloc")
    assert (
        blocks.loc["B3", "Blocs décidés"] == 4 and blocks.loc["B3", "Taux de réussite (%)"] == 25.0
    )
    key = found["chiffres"]
    assert len(key) == 1 and key.loc[0, "Décisions en vigueur"] == 4
    pathways = found["voies"].set_index("Voie d'accès")
    free = pathways.loc["Candidat libre", "Taux d'obtention du titre (%)"]
    assert free == "" if fmt == "zip" else math.isnan(free)  # not computable: empty


def test_an_unknown_format_is_refused_in_french(manager):
    response = manager.get(EXPORT, {"format": "ods"})
    assert response.status_code == 400
    assert "format « ods » inconnu (xlsx ou zip)" in response.content.decode()


def test_file_cells_cannot_run_as_formulas(client, world):
    hostile = ensure_certifier(name="Certificateur piégé")
    admin = make_user("piege@test.fr", hostile, Role.ADMIN)
    # Two decisions: the second candidacy is in the cohort (signed_rows alternates).
    signed_rows(world.total.version, hostile, 2, cohort_name='=HYPERLINK("http://x")')
    login(client, admin)
    from openpyxl import load_workbook

    xlsx = client.get(EXPORT, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content))["promotions"]
    cell = sheet["A2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")  # text, intact
    cohorts = frames(client.get(EXPORT, {"format": "zip"}))["promotions"]["Promotion"]
    assert list(cohorts) == ['\'=HYPERLINK("http://x")', "Sans promotion"]  # quoted in CSV


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
    assert client.get(EXPORT, {"promotion": world.cohort.pk}).status_code == 400
    # Their own decision is theirs alone.
    signed_rows(world.total.version, other.staff_certifiers().get(), 1, cohort_name="Leur promo")
    response = client.get(PAGE)
    assert response.context["report"].overall.decisions == 1
    found = frames(client.get(EXPORT, {"format": "zip"}))
    assert found["a-propos"].loc[0].tolist() == ["Certificateur", "Autre Certificateur"]
    assert list(found["deliberations"]["Délibération"]) == ["Jury mesuré"]
    assert "Promotion Lyon 2025" not in set(found["promotions"]["Promotion"])


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
    with django_assert_num_queries(16):  # 15 + the session's second-factor device
        response = client.get(PAGE)
    assert response.context["report"].overall.decisions == size
