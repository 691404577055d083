"""Each certifier's own key files (certifier_keys): created by the commands, used for its PDFs
and badges, the installation's as the fallback of the first certifier only; nothing of a key
in the database."""

import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from acquis.credentials import badges, certifier_keys, signing, status_list, typst_render
from acquis.credentials import documents as credential_documents
from acquis.credentials.enums import DocumentKind
from acquis.errors import AcquisError
from acquis.organisations.models import CertifierProfile
from acquis.organisations.services import ensure_certifier

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_settings")]


@pytest.fixture
def installation_badge_key(settings):
    key = badges.generate_key()
    settings.ACQUIS_BADGE_KEY = badges.key_to_multibase(key)
    return key


def pdf() -> bytes:
    kind = DocumentKind.CERTIFICATE
    return typst_render.render(kind, credential_documents.sample_data(kind))


def signer_subject(signed: bytes) -> str:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(signed))
    return reader.embedded_signatures[0].signer_cert.subject.human_friendly


def test_a_certifier_with_its_own_pair_signs_with_it_the_other_with_the_installations(
    certifier, cns_certifier
):
    out = StringIO()
    call_command("credentials_key", certifier="cooperative-numerique-du-sud", stdout=out)
    folder = certifier_keys.folder(cns_certifier)
    assert f"Clé de démonstration créée : {folder / certifier_keys.PDF_KEY}" in out.getvalue()
    assert oct((folder / certifier_keys.PDF_KEY).stat().st_mode & 0o777) == "0o600"
    own = signer_subject(signing.sign_pdf(pdf(), certifier=cns_certifier))
    installation = signer_subject(signing.sign_pdf(pdf(), certifier=certifier))
    assert "Coopérative Numérique du Sud (démonstration)" in own
    assert "OPS Conseil (démonstration)" in installation
    assert certifier_keys.pdf_pair(cns_certifier).own is True
    assert certifier_keys.pdf_pair(certifier).own is False
    # Nothing of the key in the database.
    assert not CertifierProfile.objects.filter(certifier=cns_certifier).exists()


def test_a_second_certifier_never_signs_with_the_installations_keys(
    certifier, cns_certifier, installation_badge_key
):
    """The environment's keys belong to the installation's first certifier (OPS Conseil): a
    second one without its own files cannot sign its PDFs nor its badges, and is told how to
    get its own; with them (the commands), it signs as itself."""
    assert certifier.pk < cns_certifier.pk
    with pytest.raises(signing.SigningError, match="clé introuvable") as error:
        signing.sign_pdf(pdf(), certifier=cns_certifier)
    assert str(certifier_keys.folder(cns_certifier)) in str(error.value)
    assert "--certifier" in str(error.value)
    with pytest.raises(badges.BadgeError, match=f"keygen --certifier {cns_certifier.pk}"):
        badges.signing_key(cns_certifier)
    # The first certifier keeps signing with the installation's.
    first = signer_subject(signing.sign_pdf(pdf(), certifier=certifier))
    assert "OPS Conseil (démonstration)" in first
    key = badges.signing_key(certifier)
    assert key.private_bytes_raw() == installation_badge_key.private_bytes_raw()
    call_command("credentials_key", certifier=cns_certifier.siret, stdout=StringIO())
    call_command("credentials", "keygen", "--certifier", cns_certifier.siret, stdout=StringIO())
    own = signer_subject(signing.sign_pdf(pdf(), certifier=cns_certifier))
    assert "Coopérative Numérique du Sud (démonstration)" in own
    assert badges.signing_key(cns_certifier).private_bytes_raw() != key.private_bytes_raw()


def test_the_display_name_of_the_certifier_names_its_demo_certificate(cns_certifier):
    CertifierProfile.objects.create(certifier=cns_certifier, display_name="La Coop du Sud")
    call_command("credentials_key", certifier=cns_certifier.siret, stdout=StringIO())
    subject = signer_subject(signing.sign_pdf(pdf(), certifier=cns_certifier))
    assert "La Coop du Sud (démonstration)" in subject


def test_half_a_pair_is_named_never_replaced_by_the_installations(cns_certifier):
    folder = certifier_keys.folder(cns_certifier)
    folder.mkdir(parents=True)
    signing.create_demo_pair(
        folder / certifier_keys.PDF_KEY, folder / "ailleurs.pem", organisation="CNS"
    )
    with pytest.raises(signing.SigningError, match="certificat introuvable"):
        signing.sign_pdf(pdf(), certifier=cns_certifier)


def test_the_certifier_is_found_by_siret_id_or_name(certifier, cns_certifier):
    assert certifier_keys.find_certifier("73282932000074") == cns_certifier
    assert certifier_keys.find_certifier(str(certifier.pk)) == certifier
    assert certifier_keys.find_certifier(" OPS Conseil ") == certifier
    with pytest.raises(AcquisError, match="Certificateur introuvable : « Inconnu »"):
        certifier_keys.find_certifier("Inconnu")
    ensure_certifier(name="OPS  conseil", siret="11111111111111")
    with pytest.raises(AcquisError, match="Plusieurs certificateurs"):
        certifier_keys.find_certifier("ops-conseil")
    with pytest.raises(CommandError, match="Certificateur introuvable"):
        call_command("credentials_key", certifier="Inconnu", stdout=StringIO())
    with pytest.raises(CommandError, match="Certificateur introuvable"):
        call_command("credentials", "keygen", "--certifier", "Inconnu", stdout=StringIO())


def test_a_certifier_badge_key_is_its_issuer_others_use_the_installations(
    certifier, cns_certifier, installation_badge_key
):
    out = StringIO()
    call_command("credentials", "keygen", "--certifier", cns_certifier.siret, stdout=out)
    path = certifier_keys.badge_key_file(cns_certifier)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    own = badges.own_key(cns_certifier)
    assert f"émetteur {badges.did_key(own.public_key())}" in out.getvalue()
    assert badges.issuer_did(certifier=cns_certifier) == badges.did_key(own.public_key())
    installation = badges.did_key(installation_badge_key.public_key())
    assert badges.issuer_did(certifier=certifier) == installation
    assert badges.issuer_profile(cns_certifier)["id"] != badges.issuer_profile(certifier)["id"]
    # Asked again: kept.
    call_command("credentials", "keygen", "--certifier", cns_certifier.siret, stdout=out)
    assert "déjà présente" in out.getvalue()
    assert badges.own_key(cns_certifier).private_bytes_raw() == own.private_bytes_raw()


def test_a_replaced_certifier_key_still_signs_its_old_status_list(
    cns_certifier, installation_badge_key
):
    call_command("credentials", "keygen", "--certifier", cns_certifier.siret, stdout=StringIO())
    old = badges.own_key(cns_certifier)
    old_did = badges.did_key(old.public_key())
    listed = status_list.lock(cns_certifier)
    assert listed.issuer == old_did
    out = StringIO()
    call_command("credentials", "keygen", "--certifier", cns_certifier.siret, "--force", stdout=out)
    assert "Ancienne clé conservée" in out.getvalue()
    new_did = badges.issuer_did(certifier=cns_certifier)
    assert new_did != old_did
    credential = status_list.status_list_credential(listed)
    assert credential["issuer"] == old_did
    assert badges.verify(credential).ok
    # Another certifier cannot sign with it.
    with pytest.raises(badges.BadgeError, match="Aucune clé"):
        badges.key_for_issuer(old_did)


def test_the_administration_says_which_keys_a_certifier_signs_with(client, personas, cns_certifier):
    from tests.conftest import PASSWORD

    admin = personas["administrateur"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    profile = CertifierProfile.objects.create(certifier=cns_certifier)
    client.login(email=admin.email, password=PASSWORD)
    url = f"/admin/organisations/certifierprofile/{profile.pk}/change/"
    page = client.get(url).content.decode()
    # A second certifier: the installation's keys are the first's, never its own.
    assert "Signature des PDF : aucune clé propre" in page and "impossible de signer" in page
    call_command("credentials", "keygen", "--certifier", cns_certifier.siret, stdout=StringIO())
    page = client.get(url).content.decode()
    assert "Badges : clé propre" in page
    assert badges.key_to_multibase(badges.own_key(cns_certifier)) not in page


def test_the_readiness_probe_names_a_certifiers_unreadable_key(certifier, cns_certifier):
    from acquis.ops import health

    assert health.keys().ok is False  # no installation badge key in this test
    call_command("credentials", "keygen", stdout=StringIO())
    assert health.keys().ok is True
    call_command("credentials", "keygen", "--certifier", cns_certifier.siret, stdout=StringIO())
    call_command("credentials_key", certifier=cns_certifier.siret, stdout=StringIO())
    assert health.keys().ok is True
    (certifier_keys.folder(cns_certifier) / certifier_keys.PDF_CERT).unlink()
    certifier_keys.badge_key_file(cns_certifier).write_text("illisible", encoding="ascii")
    check = health.keys()
    assert check.ok is False
    assert "Coopérative Numérique du Sud : Signature électronique impossible" in check.message
    assert "Coopérative Numérique du Sud : Clé de signature des badges illisible" in check.message
