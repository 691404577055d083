"""PAdES B-T and B-LT against a local CA and time-stamping authority started by the tests
(tests/credentials/local_pki.py), checked by pyHanko's validator and by poppler's pdfsig;
the files stay consistent PDF/A-2a for poppler and pikepdf. B-B stays the default."""

import io
import subprocess

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import DocumentSecurityStore, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from acquis.credentials import documents, issuing, signing, typst_render
from acquis.credentials.enums import DocumentKind
from tests.credentials import local_pki
from tests.pdf_readers import assert_pdfa


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    served, stop = local_pki.start(tmp_path_factory.mktemp("pki"))
    yield served
    stop()


@pytest.fixture
def sealed(settings, pki):
    """The certifier's test seal (issued by the local CA, with OCSP and CRL addresses)."""
    settings.ACQUIS_PDF_SIGNING_KEY = pki.signer_key
    settings.ACQUIS_PDF_SIGNING_CERT = pki.signer_cert
    settings.ACQUIS_PDF_TSA_URL = pki.tsa_url
    settings.ACQUIS_PDF_TRUST_ROOTS = [pki.root_cert]
    return settings


def preview() -> bytes:
    return typst_render.render(
        DocumentKind.CERTIFICATE, documents.sample_data(DocumentKind.CERTIFICATE)
    )


def signature(pdf: bytes):
    (embedded,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    return embedded


def unsigned_attributes(embedded) -> set[str]:
    attributes = embedded.signer_info["unsigned_attrs"]
    return {a["type"].native for a in attributes} if attributes.native else set()


def trust(pki) -> ValidationContext:
    return ValidationContext(trust_roots=[load_cert_from_pemder(str(pki.root_cert))])


def pdfsig(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "signe.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    return result.stdout + result.stderr


def test_b_t_carries_a_timestamp_from_the_tsa(sealed, pki, tmp_path):
    sealed.ACQUIS_PDF_SIGNATURE_LEVEL = "B-T"
    pdf = signing.sign_pdf(preview(), reason="Certificat", location="Bron")
    embedded = signature(pdf)
    status = validate_pdf_signature(embedded, trust(pki))
    assert status.bottom_line, status.pretty_print_details()
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.valid and status.timestamp_validity.trusted
    assert "signature_time_stamp_token" in unsigned_attributes(embedded)  # RFC 3161 token
    report = pdfsig(pdf, tmp_path)
    assert "Signature Validation: Signature is Valid." in report
    assert "ETSI.CAdES.detached" in report
    assert_pdfa(pdf, signed=True)


def test_b_lt_embeds_the_revocation_information(sealed, pki, tmp_path):
    sealed.ACQUIS_PDF_SIGNATURE_LEVEL = "B-LT"
    pdf = signing.sign_pdf(preview(), reason="Certificat", location="Bron")
    embedded = signature(pdf)
    # Validated from what the file holds alone: no fetching, revocation checks required
    # (hard-fail), the certificates and OCSP responses or CRLs read from its DSS.
    reader = PdfFileReader(io.BytesIO(pdf))
    dss = DocumentSecurityStore.read_dss(reader)
    offline = dss.as_validation_context(
        {
            "trust_roots": [load_cert_from_pemder(str(pki.root_cert))],
            "allow_fetching": False,
            "revocation_mode": "hard-fail",
        }
    )
    status = validate_pdf_signature(embedded, offline)
    assert status.bottom_line and status.trusted, status.pretty_print_details()
    stored = reader.root["/DSS"]
    assert len(stored["/Certs"]) >= 2  # the signer's and the TSA's certificates
    assert len(stored.get("/OCSPs", [])) + len(stored.get("/CRLs", [])) >= 1
    # The same validation without the DSS fails: the revocation information is the file's.
    bare = ValidationContext(
        trust_roots=[load_cert_from_pemder(str(pki.root_cert))],
        allow_fetching=False,
        revocation_mode="hard-fail",
        crls=[],
        ocsps=[],
    )
    assert not validate_pdf_signature(embedded, bare).bottom_line
    report = pdfsig(pdf, tmp_path)
    assert "Signature Validation: Signature is Valid." in report
    assert_pdfa(pdf, signed=True)  # the DSS update keeps the file a consistent PDF/A-2a


@pytest.mark.django_db
def test_an_issued_certificate_at_b_lt(sealed, ops_version, pki):
    from tests.juries import factories as jf

    sealed.ACQUIS_PDF_SIGNATURE_LEVEL = "B-LT"
    sealed.SITE_URL = "https://acquis.example.fr"
    decision = jf.decided_and_signed(ops_version, [jf.ready_candidacy(ops_version)])
    issued = issuing.issue_decision_documents(decision.decisions.get(), actor=None)
    with issued[0].file.open("rb") as handle:
        pdf = handle.read()
    status = validate_pdf_signature(signature(pdf), trust(pki))
    assert status.bottom_line and status.timestamp_validity.valid
    assert "/DSS" in PdfFileReader(io.BytesIO(pdf)).root


def test_b_b_stays_the_default_without_timestamp(settings, signing_pair):
    assert settings.ACQUIS_PDF_SIGNATURE_LEVEL == "B-B"
    settings.ACQUIS_PDF_SIGNING_KEY, settings.ACQUIS_PDF_SIGNING_CERT = signing_pair
    pdf = signing.sign_pdf(preview())
    assert "signature_time_stamp_token" not in unsigned_attributes(signature(pdf))
    assert "/DSS" not in PdfFileReader(io.BytesIO(pdf)).root


@pytest.mark.parametrize(
    ("level", "change", "message"),
    [
        ("B-T", {"ACQUIS_PDF_TSA_URL": ""}, "aucune autorité d'horodatage"),
        ("B-LT", {"ACQUIS_PDF_TRUST_ROOTS": []}, "aucune autorité de confiance"),
        ("B-Z", {}, "Niveau de signature inconnu : « B-Z »"),
        ("B-T", {"ACQUIS_PDF_TSA_URL": "http://127.0.0.1:9/tsa"}, "Signature B-T impossible"),
    ],
)
def test_a_level_that_cannot_be_reached_is_named_in_french(sealed, level, change, message):
    sealed.ACQUIS_PDF_SIGNATURE_LEVEL = level
    for name, value in change.items():
        setattr(sealed, name, value)
    with pytest.raises(signing.SigningError, match=message):
        signing.sign_pdf(preview())
