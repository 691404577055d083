"""The reused CMS container (pades.ReusingSigner) and the signature-only incremental update:
after the first signature, containers are assembled from parts kept as DER; they must be
what pyHanko builds (the signature value aside, ECDSA being randomised), valid for poppler's
`pdfsig` and for pyHanko's validator, and leave Typst's metadata as it was (PDF/A)."""

import asyncio
import io
import subprocess

import pytest
from asn1crypto import cms
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from acquis.credentials import documents, pades, signing, typst_render
from acquis.credentials.enums import DocumentKind

pytestmark = pytest.mark.usefixtures("signing_settings")


def pdf(number: str) -> bytes:
    data = documents.sample_data(DocumentKind.CERTIFICATE)
    data["document"]["number"] = number
    return typst_render.render(DocumentKind.CERTIFICATE, data)


def pdfsig(signed: bytes, tmp_path) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


@pytest.fixture
def signer():
    signing._load.cache_clear()  # a fresh signer: its first signature builds the template
    return signing._signer()


def test_later_signatures_are_pyhanko_containers_and_valid(signer, tmp_path):
    first = signing.sign_pdf(pdf("OPS-2026-000001"))
    assert signer._templates["sha256"] is not None  # the parts were kept
    unsigned = pdf("OPS-2026-000002")
    second = signing.sign_pdf(unsigned)
    for signed in (first, second):
        assert "Signature Validation: Signature is Valid." in pdfsig(signed, tmp_path)
        embedded = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
        status = validate_pdf_signature(
            embedded, ValidationContext(trust_roots=[signer.signing_cert])
        )
        assert status.intact and status.valid

    ours = PdfFileReader(io.BytesIO(second)).embedded_signatures[0]
    info = cms.ContentInfo.load(bytes(ours.pkcs7_content), strict=False)
    digest = info["content"]["signer_infos"][0]["signed_attrs"][1]["values"][0].native
    reference = asyncio.run(
        signers.SimpleSigner.async_sign(
            signer,
            digest,
            "sha256",
            use_pades=True,
            signed_attr_settings=PdfCMSSignedAttributes(),
        )
    )
    signature = info["content"]["signer_infos"][0]["signature"].native
    reference["content"]["signer_infos"][0]["signature"] = signature
    assert reference.dump(force=True) == info.dump()

    update = second[len(unsigned) :]  # the incremental update: the signature only
    assert second.startswith(unsigned)
    assert b"xmpmeta" not in update and b"/Producer" not in update


def test_a_dry_run_goes_to_pyhanko(signer):
    digest = bytes(32)
    dry = asyncio.run(signer.async_sign(digest, "sha256", dry_run=True, use_pades=True))
    assert isinstance(dry, cms.ContentInfo)
    assert signer._templates == {}  # nothing kept from a dry run


def test_a_tampered_template_is_not_used(signer):
    signing.sign_pdf(pdf("OPS-2026-000001"))
    template = signer._templates["sha256"]
    good = template.container(bytes(32), lambda data: b"\x01" * 70)
    assert cms.ContentInfo.load(good)["content"]["signer_infos"][0]["signature"].native == (
        b"\x01" * 70
    )
    # A container that does not match pyHanko's byte for byte gives no template.
    built = asyncio.run(
        signers.SimpleSigner.async_sign(signer, bytes(32), "sha256", use_pades=True)
    )
    assert pades._Template.of(built, bytes(31) + b"\x01") is None  # another digest
