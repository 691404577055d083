"""A title belongs to one certifier: `referential load --certifier SIRET|SLUG`, the staff
loading page, and `load_referential_file(owner=...)` on a title already loaded."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from acquis.audit.models import AuditEvent
from acquis.organisations.enums import Role
from acquis.referential.exceptions import ReferentialError
from acquis.referential.models import Certification, CertificationVersion
from acquis.referential.services import load_referential_file
from tests.conftest import CNS_FILE, PASSWORD, make_user

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("referential", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_load_with_certifier_by_siret_gives_the_title(cns_certifier):
    out = run("load", str(CNS_FILE), "--certifier", "73282932000074")
    assert "Titre de Coopérative Numérique du Sud." in out
    assert Certification.objects.get(code="cns-mediateur-numerique").owner == cns_certifier


def test_load_with_certifier_by_slug(cns_certifier):
    run("load", str(CNS_FILE), "--certifier", "cooperative-numerique-du-sud")
    assert Certification.objects.get().owner == cns_certifier


def test_unknown_certifier_is_refused_in_french(cns_certifier):
    with pytest.raises(CommandError, match="Certificateur « inconnu » introuvable"):
        run("load", str(CNS_FILE), "--certifier", "inconnu")
    assert not Certification.objects.exists()


def test_an_unowned_title_already_loaded_is_given_to_its_certifier(cns_certifier):
    version = load_referential_file(CNS_FILE).version
    assert version.certification.owner is None
    again = load_referential_file(CNS_FILE, owner=cns_certifier)
    assert not again.created and again.version == version
    version.certification.refresh_from_db()
    assert version.certification.owner == cns_certifier
    assert AuditEvent.objects.filter(verb="referential.certification_owned").count() == 1


def test_another_certifiers_title_is_refused(cns_version, certifier):
    with pytest.raises(ReferentialError, match="appartient à Coopérative Numérique du Sud"):
        load_referential_file(CNS_FILE, owner=certifier)
    with pytest.raises(CommandError, match="OPS Conseil ne peut pas en charger une version"):
        run("load", str(CNS_FILE), "--certifier", "ops-conseil")
    cns_version.certification.refresh_from_db()
    assert cns_version.certification.owner.name == "Coopérative Numérique du Sud"
    assert CertificationVersion.objects.count() == 1


# --- the staff page ---------------------------------------------------------------------------


def _upload(path=CNS_FILE, name="cns.yaml"):
    return SimpleUploadedFile(name, path.read_bytes(), content_type="application/yaml")


def test_staff_page_loads_a_title_for_the_administrators_certifier(client, cns_certifier):
    admin = make_user("admin@cns.fr", cns_certifier, Role.ADMIN)
    client.login(email=admin.email, password=PASSWORD)
    page = client.get(reverse("staff:referential_load")).content.decode()
    assert "Coopérative Numérique du Sud" in page and 'for="id_file"' in page
    response = client.post(
        reverse("staff:referential_load"), {"file": _upload(), "certifier": cns_certifier.pk}
    )
    assert response.status_code == 302
    certification = Certification.objects.get()
    assert certification.owner == cns_certifier
    assert response["Location"] == reverse("staff:versions", args=[certification.code])
    page = client.get(response["Location"]).content.decode()
    assert "Certificateur : Coopérative Numérique du Sud" in page


def test_staff_page_refuses_another_certifiers_title(client, cns_version, certifier):
    admin = make_user("admin@ops.fr", certifier, Role.ADMIN)
    client.login(email=admin.email, password=PASSWORD)
    response = client.post(
        reverse("staff:referential_load"), {"file": _upload(), "certifier": certifier.pk}
    )
    assert response.status_code == 400
    assert "appartient à Coopérative Numérique du Sud" in response.content.decode()
    assert CertificationVersion.objects.count() == 1


def test_staff_page_offers_only_the_administered_certifiers(client, certifier, cns_certifier):
    admin = make_user("admin@ops.fr", certifier, Role.ADMIN)
    client.login(email=admin.email, password=PASSWORD)
    response = client.post(
        reverse("staff:referential_load"), {"file": _upload(), "certifier": cns_certifier.pk}
    )
    assert response.status_code == 400
    assert not Certification.objects.exists()


def test_staff_page_names_the_file_errors(client, certifier):
    admin = make_user("admin@ops.fr", certifier, Role.ADMIN)
    client.login(email=admin.email, password=PASSWORD)
    bad = SimpleUploadedFile("mauvais.yaml", b"format: acquis-referential/1\nblocks: []\n")
    response = client.post(
        reverse("staff:referential_load"), {"file": bad, "certifier": certifier.pk}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "rien n&#x27;a été chargé" in html and "mauvais.yaml" in html
    assert not Certification.objects.exists()


def test_list_names_each_titles_certifier(cns_version, ops_version):
    out = run("list")
    assert "cns-mediateur-numerique [RNCP99871]" in out and "(Coopérative Numérique du Sud)" in out
    assert "(OPS Conseil)" in out
