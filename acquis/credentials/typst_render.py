"""Rendering every PDF the product prints: Typst templates, one compiler, QR code, logo.

PDF/A-2a (embedded fonts, tagged for accessibility), in French; one `typst.Compiler` is
reused for every document (fonts load once) and calls are serialised. The data goes in as
JSON (`sys.inputs`), the verification QR code as SVG (segno). Issued documents
(`documents`, `letters`, `minutes_pdf`) and printable grids (`grids_pdf`) render here.
"""

import io
import json
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import segno
from django.conf import settings

from acquis.credentials.enums import DocumentKind

if TYPE_CHECKING:
    import typst

TEMPLATES = Path(__file__).resolve().parent / "templates_typst"
FONTS = Path(__file__).resolve().parent / "fonts"
PDF_STANDARD = "a-2a"  # PDF/A-2 level A: archival, fonts embedded, tagged structure
TEMPLATE_FOR = {
    DocumentKind.CERTIFICATE: "certificate.typ",
    DocumentKind.BLOCK_ATTESTATION: "block_attestation.typ",
    # The PV and the decision letter (minutes_pdf.py, letters.py); the printable grids
    # (grids_pdf.py) are not issued and have no QR code.
    DocumentKind.MINUTES: "minutes.typ",
    DocumentKind.DECISION_LETTER: "decision_letter.typ",
}

_compile_lock = threading.Lock()


@lru_cache(maxsize=1)
def compiler() -> "typst.Compiler":
    import typst  # the native compiler: loaded by the first document, not by every page

    fonts = [str(FONTS)] if FONTS.is_dir() else []
    # System fonts ignored: the same bytes on every machine, only embedded free fonts.
    return typst.Compiler(root=str(TEMPLATES), font_paths=fonts, ignore_system_fonts=True)


# Every mask pattern gives a valid QR code (ISO/IEC 18004 §7.8); choosing the best of the eight
# by their penalty scores is what costs most in segno (3/4 of the QR time, measured:
# bench/README.md). Mask 2 is the one segno picks most often for our verification addresses.
QR_MASK = 2


def qr_svg(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m", mask=QR_MASK).save(
        buffer, kind="svg", xmldecl=False, scale=4, border=2, dark="#1f2a44"
    )
    return buffer.getvalue().decode()


def logo_inputs(logo_file: str | None = None) -> dict:
    """The logo given to Typst: the certifier's own file (`certifier_data`'s `logo_file`),
    else the installation's (`ACQUIS_CERTIFIER_LOGO`) when no certifier is named."""
    if logo_file is None:
        logo_file = settings.ACQUIS_CERTIFIER_LOGO
    path = Path(logo_file) if logo_file else None
    if path is None or not path.is_file():
        return {}
    fmt = "svg" if path.suffix.lower() == ".svg" else "png"
    return {"logo": json.dumps(list(path.read_bytes())), "logo_format": fmt}


def render_inputs(data: dict) -> dict:
    """What Typst is given for one document: its data as JSON, the QR code, the logo (the
    certifier's file; its path is not given to the template)."""
    certifier = dict(data.get("certifier") or {})
    logo_file = certifier.pop("logo_file", None)
    data = {**data, "certifier": certifier} if "certifier" in data else data
    return {
        "data": json.dumps(data, ensure_ascii=False),
        "qr": qr_svg(data["document"]["verify_url"]),
    } | logo_inputs(logo_file)


def compile_template(template: str, inputs: dict, **options) -> bytes:
    """Typst alone: the PDF/A of `template` (a file of `templates_typst/`) from its inputs;
    `options` (format="png", ppi=…) for an image instead."""
    options = options or {"pdf_standards": [PDF_STANDARD], "pdf_tags": True}
    with _compile_lock:  # one compiler, reused: calls are serialised
        return compiler().compile(input=str(TEMPLATES / template), sys_inputs=inputs, **options)


def compile_pdf(kind: str, inputs: dict) -> bytes:
    """The PDF/A of one issued document of `kind` from its inputs (`render_inputs`)."""
    return compile_template(TEMPLATE_FOR[kind], inputs)


def render(kind: str, data: dict) -> bytes:
    """The PDF/A of one document from its data (see `documents.document_data`)."""
    return compile_pdf(kind, render_inputs(data))
