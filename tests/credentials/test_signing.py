"""PAdES signatures checked by an independent reader: poppler's `pdfsig`.

A signed document reports "Signature is Valid"; a copy with one byte changed inside the
signed range does not ("Digest Mismatch"). The demo certificate is self-signed, so pdfsig
does not trust its issuer: that line is expected and not asserted.
"""

import subprocess

import pytest

from acquis.credentials import documents, issuing, signing, typst_render
from acquis.credentials.enums import DocumentKind
from acquis.juries.enums import DecisionKind
from tests.credentials.test_documents import ALL_FAILED, B3_FAILED
from tests.juries import factories as jf

pytestmark = pytest.mark.usefixtures("signing_settings")


def pdfsig(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(  # noqa: S603 - fixed poppler tool on our own file
        ["pdfsig", str(path)], capture_output=True, text=True, check=False
    )
    return result.stdout + result.stderr


def tampered(pdf: bytes) -> bytes:
    """One byte changed inside the first page's content (in the signed range)."""
    data = bytearray(pdf)
    start = data.index(b"stream", data.index(b"/Contents")) + 20
    data[start] ^= 0x01
    return bytes(data)


def preview(kind=DocumentKind.CERTIFICATE) -> bytes:
    return typst_render.render(kind, documents.sample_data(kind))


def test_a_signed_pdf_is_valid_for_pdfsig(tmp_path):
    signed = signing.sign_pdf(preview(), reason="Essai", location="Bron")
    report = pdfsig(signed, tmp_path)
    assert "Signature Validation: Signature is Valid." in report
    assert "OPS Conseil (démonstration)" in report
    assert "ETSI.CAdES.detached" in report  # PAdES
    assert "Total document signed" in report


def test_a_modified_byte_breaks_the_signature(tmp_path):
    signed = signing.sign_pdf(preview())
    report = pdfsig(tampered(signed), tmp_path)
    assert "Signature is Valid." not in report
    assert "Digest Mismatch" in report or "Signature is Invalid" in report


def test_an_unsigned_pdf_has_no_signature(tmp_path):
    assert "does not contain any signatures" in pdfsig(preview(), tmp_path)


def test_a_missing_certificate_is_named(settings, tmp_path):
    settings.ACQUIS_PDF_SIGNING_CERT = tmp_path / "absent.pem"
    with pytest.raises(signing.SigningError, match="certificat introuvable"):
        signing.sign_pdf(preview())


def test_create_demo_pair_keeps_an_existing_pair(tmp_path):
    key, cert = tmp_path / "k.pem", tmp_path / "c.pem"
    assert signing.create_demo_pair(key, cert, organisation="OPS Conseil") is True
    before = key.read_bytes()
    assert signing.create_demo_pair(key, cert, organisation="OPS Conseil") is False
    assert key.read_bytes() == before
    assert oct(key.stat().st_mode & 0o777) == "0o600"


@pytest.mark.django_db
def test_every_issued_document_verifies_with_pdfsig(ops_version, tmp_path):
    total = jf.ready_candidacy(ops_version)
    partial = jf.ready_candidacy(ops_version, not_acquired=B3_FAILED)
    refused = jf.ready_candidacy(ops_version, not_acquired=ALL_FAILED)
    deliberation = jf.decided_and_signed(ops_version, [total, partial, refused])
    issued = issuing.issue_for_deliberation(deliberation, actor=None).issued
    # The PV, the certificate, the attestation and the three decision letters.
    assert sorted(d.kind for d in issued) == sorted(
        [DocumentKind.MINUTES, DocumentKind.CERTIFICATE, DocumentKind.BLOCK_ATTESTATION]
        + [DocumentKind.DECISION_LETTER] * 3
    )
    assert {d.decision.kind for d in issued if d.decision_id} == set(DecisionKind)
    for document in issued:
        with document.file.open("rb") as handle:
            stored = handle.read()
        assert "Signature is Valid." in pdfsig(stored, tmp_path)
        assert "Signature is Valid." not in pdfsig(tampered(stored), tmp_path)


def test_the_credentials_key_command_creates_then_keeps_the_pair(settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    settings.ACQUIS_PDF_SIGNING_KEY = tmp_path / "var" / "key.pem"
    settings.ACQUIS_PDF_SIGNING_CERT = tmp_path / "var" / "cert.pem"
    out = StringIO()
    call_command("credentials_key", stdout=out)
    assert "Clé de démonstration créée" in out.getvalue()
    assert "Signature is Valid." in pdfsig(signing.sign_pdf(preview()), tmp_path)
    out = StringIO()
    call_command("credentials_key", stdout=out)
    assert "Clé de signature déjà présente" in out.getvalue()
