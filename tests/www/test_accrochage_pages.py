"""Staff accrochage pages: holders with the 3-month deadline, building, downloading, reports."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from acquis.exports.enums import LineStatus
from acquis.exports.models import AccrochageBatch, AccrochageLine
from tests.conftest import PASSWORD
from tests.exports import awarded, real_schema

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock", "accrochage_settings")]


@pytest.fixture
def staff(client, personas):
    assert client.login(email=personas["responsable_epreuves"].email, password=PASSWORD)
    return client


def test_overview_shows_overdue_holders_in_text(staff, rncp_version):
    old = awarded(rncp_version, on=date(2024, 1, 10))
    awarded(rncp_version, on=timezone.localdate())
    page = staff.get(reverse("staff:accrochage")).content.decode()
    assert old.candidacy.candidate.full_name in page
    assert "10/04/2024" in page and "En retard" in page
    assert "<strong>1 en retard</strong>" in page and "Prêt à déclarer" in page


def test_undeclarable_holder_shows_why(staff, ops_version):
    awarded(ops_version)
    page = staff.get(reverse("staff:accrochage")).content.decode()
    assert "Non déclarable : numéro RNCP/RS de la certification inconnu" in page


def test_build_download_and_import_report(staff, rncp_version):
    decision = awarded(rncp_version)
    response = staff.post(reverse("staff:accrochage_export"), {"since": ""})
    batch = AccrochageBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:accrochage_batch", args=[batch.pk])
    page = staff.get(response["Location"]).content.decode()
    assert f"ACQ-{decision.pk}" in page and "Exportée" in page
    download = staff.get(reverse("staff:accrochage_download", args=[batch.pk]))
    content = b"".join(download.streaming_content)
    assert real_schema().validate(etree.fromstring(content))
    assert "attachment" in download["Content-Disposition"]
    report = SimpleUploadedFile(
        "cr.csv", f"idTechnique;statut;message\nACQ-{decision.pk};KO;Nom inconnu\n".encode()
    )
    response = staff.post(reverse("staff:accrochage_report"), {"file": report}, follow=True)
    assert "1 rejeté(s)" in response.content.decode()
    assert AccrochageLine.objects.get().status == LineStatus.REJECTED
    page = staff.get(reverse("staff:accrochage")).content.decode()
    assert "Rejeté par la CDC, à corriger puis redéclarer" in page and "Nom inconnu" in page


def test_errors_are_shown_and_nothing_is_written(staff, rncp_version):
    response = staff.post(reverse("staff:accrochage_export"), {"since": "hier"}, follow=True)
    assert "format AAAA-MM-JJ attendu" in response.content.decode()
    response = staff.post(reverse("staff:accrochage_export"), {}, follow=True)
    assert "Aucun titulaire à déclarer" in response.content.decode()
    bad = SimpleUploadedFile("cr.csv", b"idTechnique;statut\nACQ-77;OK\n")
    response = staff.post(reverse("staff:accrochage_report"), {"file": bad}, follow=True)
    assert "Ligne 2 : idTechnique « ACQ-77 » inconnu" in response.content.decode()
    response = staff.post(reverse("staff:accrochage_report"), {}, follow=True)
    assert "choisissez un fichier" in response.content.decode()
    assert not AccrochageBatch.objects.exists()


def test_another_certifier_sees_neither_holders_nor_batches(client, personas, rncp_version):
    decision = awarded(rncp_version)
    assert client.login(email=personas["administrateur"].email, password=PASSWORD)
    client.post(reverse("staff:accrochage_export"))
    client.logout()
    other = personas["admin_autre_certificateur"]
    assert client.login(email=other.email, password=PASSWORD)
    page = client.get(reverse("staff:accrochage")).content.decode()
    assert decision.candidacy.candidate.full_name not in page
    assert "Aucun lot exporté" in page


def test_nothing_ever_awarded_says_so(staff, ops_version):
    page = staff.get(reverse("staff:accrochage")).content.decode()
    assert "Aucun titre ni bloc n'a encore été attribué : rien à déclarer." in page
    assert "Tous les titulaires sont déclarés" not in page
    response = staff.post(reverse("staff:accrochage_export"), {"since": ""}, follow=True)
    text = response.content.decode()
    assert "aucun titre ni bloc n&#x27;a encore été attribué" in text
    assert "toutes les attributions sont déjà déclarées" not in text
    assert not AccrochageBatch.objects.exists()
