"""Every PDF we produce, read back by two independent readers: poppler's command-line tools
(`pdfinfo`, `pdffonts`) and pikepdf (qpdf). Neither shares code with Typst or pyHanko.

`assert_pdfa(pdf)` checks what a PDF/A-2a document must show to any outside reader:
- one PDF version everywhere: the header, the catalog's /Version (absent or the same) and the
  readers' own reports all say 1.7, since PDF/A-2 is built on PDF 1.7 (ISO 19005-2 §6.1.2);
- the XMP identification `pdfaid:part` 2 and `pdfaid:conformance` A (§6.6.4);
- an OutputIntent GTS_PDFA1 with its ICC profile (§6.2.3; poppler's tools do not show output
  intents, pikepdf reads it);
- a structure tree, the document marked as tagged, and its language (§6.8, level A);
- every font embedded (§6.2.11.4);
- no JavaScript anywhere (§6.6.1).
"""

import re
import subprocess

import pikepdf

PDFA_VERSION = "1.7"


def poppler(tool: str, pdf: bytes, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - fixed poppler tools, bytes on stdin
        [tool, *args, "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode()


def _poppler_report(pdf: bytes) -> dict:
    info = poppler("pdfinfo", pdf)
    fields = dict(re.findall(r"^([A-Za-z ]+):\s+(.*)$", info, flags=re.M))
    xmp = poppler("pdfinfo", pdf, "-meta")
    fonts = poppler("pdffonts", pdf).splitlines()[2:]
    return {
        "version": fields.get("PDF version"),
        "tagged": fields.get("Tagged"),
        "javascript": fields.get("JavaScript"),
        "part": _xmp_value(xmp, "pdfaid:part"),
        "conformance": _xmp_value(xmp, "pdfaid:conformance"),
        # pdffonts columns: name type encoding emb sub uni object ID
        "fonts": [line.split() for line in fonts if line.strip()],
    }


def _xmp_value(xmp: str, name: str) -> str | None:
    """An XMP property written as an attribute or as an element."""
    found = re.search(rf'{name}="([^"]*)"', xmp) or re.search(rf"<{name}>([^<]*)</{name}>", xmp)
    return found.group(1) if found else None


def _fonts(pdf: pikepdf.Pdf):
    """Every font dictionary reachable from the pages, descendant fonts included."""
    seen = set()
    for page in pdf.pages:
        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        stack = list(resources.get("/Font", pikepdf.Dictionary()).values())
        for xobject in resources.get("/XObject", pikepdf.Dictionary()).values():
            inner = xobject.get("/Resources", pikepdf.Dictionary())
            stack.extend(inner.get("/Font", pikepdf.Dictionary()).values())
        while stack:
            font = stack.pop()
            key = font.objgen
            if key in seen and key != (0, 0):
                continue
            seen.add(key)
            yield font
            stack.extend(font.get("/DescendantFonts", pikepdf.Array()))


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type0":
        return True  # judged by its descendant font
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs are content streams of the font itself
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(
        name in descriptor for name in ("/FontFile", "/FontFile2", "/FontFile3")
    )


def _has_javascript(pdf: pikepdf.Pdf) -> bool:
    names = pdf.Root.get("/Names", pikepdf.Dictionary())
    if "/JavaScript" in names:
        return True
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            if "/JS" in obj or obj.get("/S") == "/JavaScript":
                return True
    return False


def _pikepdf_report(pdf: bytes) -> dict:
    import io

    with pikepdf.open(io.BytesIO(pdf)) as document:
        root = document.Root
        meta = document.open_metadata()
        intents = root.get("/OutputIntents", pikepdf.Array())
        return {
            "header": document.pdf_version,
            "catalog_version": str(root.get("/Version", "")).lstrip("/"),
            "part": meta.get("pdfaid:part"),
            "conformance": meta.get("pdfaid:conformance"),
            "intents": [
                (
                    str(i.get("/S")),
                    "/DestOutputProfile" in i and len(i.DestOutputProfile.read_bytes()),
                )
                for i in intents
            ],
            "struct_tree": "/StructTreeRoot" in root and "/K" in root.StructTreeRoot,
            "marked": bool(root.get("/MarkInfo", {}).get("/Marked", False)),
            "lang": str(root.get("/Lang", "")),
            "fonts": [(str(f.get("/BaseFont")), _embedded(f)) for f in _fonts(document)],
            "javascript": _has_javascript(document),
            "signed": "/AcroForm" in root
            and any(field.get("/FT") == "/Sig" for field in root.AcroForm.get("/Fields", [])),
        }


def assert_pdfa(pdf: bytes, *, signed: bool | None = None) -> dict:
    """Both readers agree that `pdf` is a consistent PDF/A-2a file; their reports returned.

    `signed` (when given) also checks the presence or absence of a signature field."""
    pop, pike = _poppler_report(pdf), _pikepdf_report(pdf)
    # One version: the header, the catalog and what each reader reports.
    assert pop["version"] == PDFA_VERSION, pop
    assert pike["header"] == PDFA_VERSION, pike
    assert pike["catalog_version"] in ("", PDFA_VERSION), pike
    # The PDF/A-2a claim, read in the XMP by both.
    assert (pop["part"], pop["conformance"]) == ("2", "A"), pop
    assert (pike["part"], pike["conformance"]) == ("2", "A"), pike
    # The output intent with its embedded ICC profile.
    assert pike["intents"] and all(s == "/GTS_PDFA1" and n for s, n in pike["intents"]), pike
    # Tagged: a structure tree, marked content, a language.
    assert pop["tagged"] == "yes" and pike["struct_tree"] and pike["marked"], (pop, pike)
    assert pike["lang"].startswith("fr"), pike
    # Fonts embedded, for each reader.
    assert pop["fonts"] and all(row[-5] == "yes" for row in pop["fonts"]), pop["fonts"]
    assert pike["fonts"] and all(embedded for _, embedded in pike["fonts"]), pike["fonts"]
    # No JavaScript.
    assert pop["javascript"] == "no" and not pike["javascript"], (pop, pike)
    if signed is not None:
        assert pike["signed"] is signed, pike
    return {"poppler": pop, "pikepdf": pike}
