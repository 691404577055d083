"""Import with column mapping: a file whose headers differ is mapped once (selects), the
mapping is kept per certifier and applied to the next files (CSV and XLSX), then checked all
or nothing as any import."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from acquis.audit.models import AuditEvent
from acquis.candidates import services
from acquis.candidates.models import Candidate, ImportColumnMapping
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HEADERS = ["Nom de naissance", "Prénom", "Sexe", "Né(e) le", "Code commune", "Voie", "Remarque"]
MODE_ROWS = [
    ["Martin", "Camille", "F", "14/03/1990", "69123", "libre", "rien"],
    ["Nguyen", "Linh", "F", "02/02/1988", "75056", "libre", ""],
]
MAPPING = {
    "nom_naissance": "Nom de naissance",
    "prenom1": "Prénom",
    "sexe": "Sexe",
    "date_naissance": "Né(e) le",
    "code_insee_naissance": "Code commune",
    "voie": "Voie",
}


def csv_upload(rows, headers=HEADERS):
    content = "\n".join(";".join(r) for r in [headers, *rows]).encode()
    return SimpleUploadedFile("candidats.csv", content, content_type="text/csv")


def xlsx_upload(rows, headers=HEADERS):
    book = Workbook()
    sheet = book.active
    for row in [headers, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("candidats.xlsx", out.getvalue())


@pytest.fixture
def cohort(certifier, ops_version):
    return services.create_cohort(certifier=certifier, version=ops_version, name="Promotion A")


@pytest.fixture
def manager(client, personas):
    client.login(email=personas["responsable_epreuves"].email, password=PASSWORD)
    return client


def _urls(cohort):
    return (
        reverse("staff:cohort_import", args=[cohort.pk]),
        reverse("staff:import_mapping", args=[cohort.pk]),
    )


def test_map_once_then_the_file_imports_and_the_next_one_is_mapped(manager, cohort, personas):
    import_url, mapping_url = _urls(cohort)
    sent = manager.post(import_url, {"file": csv_upload(MODE_ROWS)})
    assert sent.status_code == 302 and sent.url == mapping_url
    assert not Candidate.objects.exists()
    page = manager.get(mapping_url).content.decode()
    assert '<label for="id_nom_naissance">' in page and '<select name="nom_naissance"' in page
    assert "Colonnes de votre fichier : Nom de naissance, Prénom" in page
    # Required column left without header: refused, the field named, nothing saved.
    partial = {**MAPPING, "voie": ""}
    refused = manager.post(mapping_url, partial).content.decode()
    assert "voie : choisissez la colonne du fichier qui la contient." in refused
    twice = manager.post(mapping_url, {**MAPPING, "prenom1": "Nom de naissance"})
    assert "est déjà choisie pour nom_naissance" in twice.content.decode()
    assert not ImportColumnMapping.objects.exists()
    saved = manager.post(mapping_url, MAPPING)
    assert saved.status_code == 302 and saved.url == import_url
    assert ImportColumnMapping.objects.get().columns == MAPPING
    event = AuditEvent.objects.get(verb="candidates.import_mapping_saved")
    assert event.actor == personas["responsable_epreuves"]
    # The same file again: mapped automatically, imported, the mapping shown.
    html = manager.post(import_url, {"file": csv_upload(MODE_ROWS)}).content.decode()
    assert "Import terminé" in html and "Correspondance des colonnes appliquée" in html
    assert "<td>Né(e) le</td>" in html
    assert Candidate.objects.count() == 2
    # Editable: the page shows the saved choices.
    page = manager.get(mapping_url).content.decode()
    assert '<option value="Né(e) le" selected>' in page


def test_an_xlsx_with_the_saved_mapping_is_checked_all_or_nothing(manager, cohort):
    import_url, _ = _urls(cohort)
    from acquis.candidates.column_mapping import save_mapping

    save_mapping(cohort.certifier, MAPPING, headers=HEADERS, actor=None)
    bad = [MODE_ROWS[0], ["Nguyen", "Linh", "F", "31/02/1988", "75056", "libre", ""]]
    html = manager.post(import_url, {"file": xlsx_upload(bad)}).content.decode()
    assert "Fichier refusé" in html and "Correspondance des colonnes appliquée" in html
    assert "<td>3</td>" in html and "D (date_naissance)" in html
    assert "Date de naissance invalide (format JJ/MM/AAAA)." in html
    assert not Candidate.objects.exists()
    html = manager.post(import_url, {"file": xlsx_upload(MODE_ROWS)}).content.decode()
    assert "Import terminé" in html and Candidate.objects.count() == 2


def test_a_file_with_the_expected_names_needs_no_mapping(manager, cohort):
    import_url, mapping_url = _urls(cohort)
    headers = ["nom_naissance", "prenom1", "sexe", "date_naissance", "code_insee_naissance", "voie"]
    rows = [row[:6] for row in MODE_ROWS]
    html = manager.post(import_url, {"file": csv_upload(rows, headers)}).content.decode()
    assert "Import terminé" in html and "Correspondance des colonnes appliquée" not in html
    # Without a file nor a saved mapping, the mapping page sends back to the import.
    assert manager.get(mapping_url).url == import_url
