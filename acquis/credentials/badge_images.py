"""Badge images people can show: the design of an achievement (Typst, PNG and SVG), and the
holder's file with their signed credential baked in (Open Badges 3.0 §5.3, "Baking").

- PNG: an `iTXt` chunk of keyword `openbadgecredential` (uncompressed, no language) whose
  text is the JSON of the credential (embedded proof), placed right after `IHDR`; the chunk
  CRC is the PNG one (ISO/IEC 15948 §5.3: CRC-32 of type and data).
- SVG: the `openbadges` namespace `https://purl.imsglobal.org/ob/v3p0` declared on the root,
  and an `<openbadges:credential>` element, first child of the root, holding the JSON in a
  CDATA section; a `<title>` says what the badge attests (text alternative).

Reading back (`unbake`) takes either form, for the public badge check. Nothing is stored:
the files are built on download, from the stored credential.
"""

import json
import struct
import zlib

from lxml import etree

from acquis.credentials import typst_render
from acquis.errors import AcquisError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = b"openbadgecredential"
OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
PPI = 192  # 300 pt at 192 ppi: an 800 px square, sharp on a profile page


class BakeryError(AcquisError):
    """An image that carries no readable credential (French message)."""


def design_data(*, kind: str, code: str, title: str, certifier: str) -> dict:
    return {
        "kind": kind,
        "kind_label": "Certification professionnelle" if kind == "title" else "Bloc de compétences",
        "code": code,
        "title": title,
        "certifier": certifier,
    }


def render(data: dict, fmt: str) -> bytes:
    """The design as PNG or SVG (one Typst compiler shared with the documents)."""
    inputs = {"data": json.dumps(data, ensure_ascii=False)}
    result = typst_render.compile_template(
        "badge.typ", inputs, format=fmt, ppi=PPI if fmt == "png" else None
    )
    return result if isinstance(result, bytes) else result[0]


def credential_design(credential) -> dict:
    """The design data of an issued badge (IssuedCredential)."""
    document = credential.document
    issuer = document.get("issuer")
    certifier = issuer.get("name", "") if isinstance(issuer, dict) else ""
    if credential.block_id is None:
        return design_data(
            kind="title", code="", title=document.get("name", ""), certifier=certifier
        )
    block = credential.block
    return design_data(kind="block", code=block.code, title=block.title, certifier=certifier)


# --- baking -----------------------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bake_png(png: bytes, credential: dict) -> bytes:
    if not png.startswith(PNG_SIGNATURE):
        raise BakeryError("Image PNG illisible (signature PNG absente).")
    text = json.dumps(credential, ensure_ascii=False).encode("utf-8")
    # iTXt: keyword, NUL, compression flag 0, method 0, language tag "", NUL, translated
    # keyword "", NUL, then the text (UTF-8).
    chunk = _chunk(b"iTXt", KEYWORD + b"\x00\x00\x00" + b"\x00" + b"\x00" + text)
    ihdr_end = len(PNG_SIGNATURE) + 8 + struct.unpack(">I", png[8:12])[0] + 4
    return png[:ihdr_end] + chunk + png[ihdr_end:]


def bake_svg(svg: bytes, credential: dict, *, title: str) -> bytes:
    text = svg.decode("utf-8")
    start = text.find("<svg")
    close = text.find(">", start)
    if start < 0 or close < 0:
        raise BakeryError("Image SVG illisible (élément svg absent).")
    payload = json.dumps(credential, ensure_ascii=False).replace("]]>", "]]]]><![CDATA[>")
    opening = text[start:close].rstrip("/")
    if "xmlns:openbadges" not in opening:
        opening += f' xmlns:openbadges="{OB_NAMESPACE}"'
    baked = (
        text[:start]
        + opening
        + ">"
        + f"<title>{_escape(title)}</title>"
        + f"<openbadges:credential><![CDATA[{payload}]]></openbadges:credential>"
        + text[close + 1 :]
    )
    return baked.encode("utf-8")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def baked(credential, fmt: str) -> bytes:
    """The holder's badge image with their signed credential baked in."""
    data = credential_design(credential)
    image = render(data, fmt)
    if fmt == "png":
        return bake_png(image, credential.document)
    return bake_svg(image, credential.document, title=alt_text(data))


def alt_text(data: dict) -> str:
    what = "Certification professionnelle" if data["kind"] == "title" else f"Bloc {data['code']}"
    return f"Badge numérique : {what} — {data['title']}, délivré par {data['certifier']}"


# --- reading back -----------------------------------------------------------------------------


def unbake(data: bytes) -> bytes:
    """The credential JSON baked in a PNG or SVG badge image."""
    if data.startswith(PNG_SIGNATURE):
        return _unbake_png(data)
    return _unbake_svg(data)


def _unbake_png(png: bytes) -> bytes:
    offset = len(PNG_SIGNATURE)
    while offset + 8 <= len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind = png[offset + 4 : offset + 8]
        body = png[offset + 8 : offset + 8 + length]
        if kind == b"iTXt" and body.startswith(KEYWORD + b"\x00"):
            rest = body[len(KEYWORD) + 1 :]
            compressed, rest = rest[0], rest[2:]
            _, _, rest = rest.partition(b"\x00")  # language tag
            _, _, text = rest.partition(b"\x00")  # translated keyword
            return zlib.decompress(text) if compressed else text
        if kind == b"IEND":
            break
        offset += 12 + length
    raise BakeryError(
        "Image PNG sans badge : aucun bloc « openbadgecredential » (un badge « cuit » est attendu)."
    )


def _unbake_svg(svg: bytes) -> bytes:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(svg, parser)
    except etree.XMLSyntaxError as exc:
        raise BakeryError("Fichier illisible : ni JSON, ni image PNG ou SVG de badge.") from exc
    found = root.find(f"{{{OB_NAMESPACE}}}credential")
    if found is None or not (found.text or "").strip():
        raise BakeryError("Image SVG sans badge : aucun élément « openbadges:credential ».")
    return found.text.encode("utf-8")
