"""Staff pages of the candidate import and the exports, through the test client."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from acquis.audit.models import AuditEvent
from acquis.candidates import services
from acquis.candidates.imports import COLUMN_NAMES
from acquis.candidates.models import Candidacy, Candidate
from tests import factories
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HEADER = "nom_naissance;prenom1;sexe;date_naissance;code_insee_naissance;voie;modalite_acces"
MODE = "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION"


def upload(*lines, name="candidats.csv"):
    content = "\n".join([HEADER, *lines]).encode()
    return SimpleUploadedFile(name, content, content_type="text/csv")


GOOD = [
    f"Martin;Camille;F;14/03/1990;69123;formation;{MODE}",
    "Nguyen;Linh;F;02/02/1988;75056;libre;",
]
BAD = [GOOD[0], "Nguyen;Linh;F;31/02/1988;75056;libre;"]


@pytest.fixture
def cohort(certifier, ops_version):
    return services.create_cohort(certifier=certifier, version=ops_version, name="Promotion A")


@pytest.fixture
def manager(client, personas):
    client.login(email=personas["responsable_epreuves"].email, password=PASSWORD)
    return client


def url(cohort):
    return reverse("staff:cohort_import", args=[cohort.pk])


def test_the_page_documents_the_columns(manager, cohort):
    html = manager.get(url(cohort)).content.decode()
    assert "Promotion « Promotion A »" in html
    for name in COLUMN_NAMES:
        assert f"<code>{name}</code>" in html
    assert reverse("staff:import_template") in html
    assert f"{reverse('staff:candidacies_export_xlsx')}?promotion={cohort.pk}" in html
    assert 'enctype="multipart/form-data"' in html


def test_a_bad_file_shows_line_and_column_and_writes_nothing(manager, cohort):
    response = manager.post(url(cohort), {"file": upload(*BAD)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Fichier refusé" in html
    assert "1 erreur(s) dans candidats.csv : rien n&#x27;a été importé." in html
    assert "<td>3</td>" in html and "D (date_naissance)" in html
    assert "Date de naissance invalide (format JJ/MM/AAAA)." in html
    assert not Candidate.objects.exists()


def test_a_dry_run_then_the_import(manager, cohort, personas):
    response = manager.post(url(cohort), {"file": upload(*GOOD), "dry_run": "on"})
    html = response.content.decode()
    assert "Simulation réussie" in html and "Rien n&#x27;a été enregistré" in html
    assert 'name="dry_run" id="id_dry_run">' in html  # unchecked for the real import
    assert not Candidate.objects.exists()
    html = manager.post(url(cohort), {"file": upload(*GOOD)}).content.decode()
    assert "Import terminé" in html
    assert "2 candidat(s) créé(s)" in html
    assert Candidacy.objects.filter(cohort=cohort).count() == 2
    event = AuditEvent.objects.get(verb="candidates.imported")
    assert event.actor == personas["responsable_epreuves"]
    html = manager.post(url(cohort), {"file": upload(*GOOD)}).content.decode()
    assert "lignes 2, 3." in html.replace("\n", " ").replace("  ", "")
    assert Candidacy.objects.count() == 2


def test_an_xlsx_upload(manager, cohort):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(HEADER.split(";"))
    workbook.active.append(GOOD[0].split(";"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    sent = SimpleUploadedFile("candidats.xlsx", buffer.getvalue())
    html = manager.post(url(cohort), {"file": sent}).content.decode()
    assert "Import terminé" in html
    assert Candidate.objects.get().first_name == "Camille"


def test_only_csv_and_xlsx_files_are_accepted(manager, cohort):
    html = manager.post(url(cohort), {"file": upload(*GOOD, name="c.ods")}).content.decode()
    assert "Choisissez un fichier .csv ou .xlsx." in html
    html = manager.post(url(cohort), {}).content.decode()
    assert "Ce champ est obligatoire." in html
    big = SimpleUploadedFile("gros.csv", HEADER.encode() + b"\n" + b"x" * (10 * 1024 * 1024))
    html = manager.post(url(cohort), {"file": big}).content.decode()
    assert "Le fichier dépasse 10 Mo." in html
    assert not Candidate.objects.exists()


def test_many_errors_are_cut_on_the_page(manager, cohort):
    lines = [f"Nom;Prénom;X;01/01/1990;69123;formation;{MODE}"] * 520
    html = manager.post(url(cohort), {"file": upload(*lines)}).content.decode()
    # 520 bad sexes, 519 in-file duplicates: 1039 errors, 500 shown.
    assert "1039 erreur(s)" in html
    assert "… et 539 autres erreurs" in html
    assert html.count("<td>Le sexe vaut M ou F") + html.count("<td>Doublon") == 500


def test_another_certifiers_cohort_is_hidden(client, personas, cohort):
    client.login(email=personas["admin_autre_certificateur"].email, password=PASSWORD)
    assert client.post(url(cohort), {"file": upload(*GOOD)}).status_code == 404
    assert not Candidate.objects.exists()


def test_the_template_download(manager):
    response = manager.get(reverse("staff:import_template"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="modele-import-candidats.csv"' in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";") == list(COLUMN_NAMES)
    assert len(lines) == 2


# --- exports ---------------------------------------------------------------------------------


@pytest.fixture
def two_certifiers(cohort, ops_version, other_certifier):
    own = cohort.certifier
    factories.candidacy(
        ops_version, cohort=cohort, person=factories.candidate(own, birth_name="Dupont")
    )
    factories.candidacy(ops_version, person=factories.candidate(own, birth_name="Sanspromo"))
    stranger = factories.candidate(other_certifier, birth_name="Ailleurs")
    factories.candidacy(ops_version, certifier=other_certifier, person=stranger)


def body(response) -> bytes:
    """The whole file of an export (streamed: read to the end)."""
    assert response.streaming
    return b"".join(response.streaming_content)


def names(response) -> list[str]:
    text = body(response).decode("utf-8-sig")
    return sorted(r[0] for r in list(csv.reader(io.StringIO(text), delimiter=";"))[1:])


def test_exports_hold_only_the_users_certifier(client, personas, two_certifiers, cohort):
    client.login(email=personas["administrateur"].email, password=PASSWORD)
    response = client.get(reverse("staff:candidacies_export_csv"))
    assert names(response) == ["Dupont", "Sanspromo"]
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="candidatures-')
    response = client.get(reverse("staff:candidacies_export_csv") + f"?promotion={cohort.pk}")
    assert names(response) == ["Dupont"]
    client.login(email=personas["admin_autre_certificateur"].email, password=PASSWORD)
    assert names(client.get(reverse("staff:candidacies_export_csv"))) == ["Ailleurs"]
    assert (
        client.get(reverse("staff:candidacies_export_csv") + f"?promotion={cohort.pk}").status_code
        == 404
    )


def test_the_xlsx_export(manager, two_certifiers, cohort):
    response = manager.get(reverse("staff:candidacies_export_xlsx") + f"?promotion={cohort.pk}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"promotion-{cohort.pk}-" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(body(response))).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["Dupont"]


@pytest.mark.parametrize("value", ["abc", "999999"])
def test_an_unknown_promotion_filter_is_404(manager, value):
    assert (
        manager.get(reverse("staff:candidacies_export_csv") + f"?promotion={value}").status_code
        == 404
    )


def test_the_export_view_query_count_is_constant(manager, cohort, ops_version):
    factories.candidacy(ops_version, cohort=cohort)
    with CaptureQueriesContext(connection) as one:
        assert len(names(manager.get(reverse("staff:candidacies_export_csv")))) == 1
    for _ in range(5):
        factories.candidacy(ops_version, cohort=cohort)
    with CaptureQueriesContext(connection) as six:
        assert len(names(manager.get(reverse("staff:candidacies_export_csv")))) == 6
    assert len(six) == len(one)
