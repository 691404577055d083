"""The verification QR code printed on each document decodes to its verification address,
read back by an independent decoder (zxing-cpp) from the PDF rasterised by poppler
(`pdftoppm`) — the QR code uses a fixed mask (typst_render.QR_MASK), which any reader must
accept (ISO/IEC 18004 §7.8)."""

import secrets
import subprocess

import pytest
import zxingcpp

from acquis.credentials import documents, typst_render
from acquis.credentials.enums import DocumentKind


def page_image(pdf: bytes, folder) -> memoryview:
    """Page 1 as an 8-bit grayscale buffer (pdftoppm's binary PGM, parsed here)."""
    source, root = folder / "document.pdf", folder / "page"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-gray", "-r", "150", "-f", "1", "-l", "1", "-singlefile", source, root],
        capture_output=True,
        check=True,
        timeout=60,
    )
    pgm = (folder / "page.pgm").read_bytes()
    assert pgm.startswith(b"P5")
    fields, offset = [], 0
    while len(fields) < 4:  # magic, width, height, maxval (whitespace separated)
        while pgm[offset : offset + 1].isspace():
            offset += 1
        end = offset
        while not pgm[end : end + 1].isspace():
            end += 1
        fields.append(pgm[offset:end])
        offset = end
    assert fields[0] == b"P5" and fields[3] == b"255"
    width, height = int(fields[1]), int(fields[2])
    pixels = pgm[offset + 1 : offset + 1 + width * height]
    return memoryview(pixels).cast("B", (height, width))


def decoded(pdf: bytes, folder) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(page_image(pdf, folder))]


@pytest.mark.parametrize("kind", [DocumentKind.CERTIFICATE, DocumentKind.BLOCK_ATTESTATION])
@pytest.mark.parametrize("attempt", range(3))
def test_the_qr_code_reads_back_as_the_verification_address(settings, tmp_path, kind, attempt):
    settings.SITE_URL = "https://acquis.ops-conseil.fr"
    data = documents.sample_data(kind)
    url = documents.verify_url(secrets.token_urlsafe(24))
    data["document"]["verify_url"] = url
    assert decoded(typst_render.render(kind, data), tmp_path) == [url]
