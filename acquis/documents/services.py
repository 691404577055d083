"""Accept an upload: PDF, DOCX or ODT recognised by content, size-limited, hashed, and
refused when it could act on the reader's machine.

Refused, each with a French message naming the file: a name whose last extension is not
the detected type (`cv.pdf.exe`, `memoire.docx.html`); a PDF carrying JavaScript, a launch
action, embedded or attached files, rich media or an XFA form (walked with pikepdf, qpdf's
parser); a file that is also HTML (an HTML/PDF polyglot a browser could render); a DOCX or
ODT with macros (VBA project, macro-enabled content type, Basic or script folders). A
candidacy's uploads together stay under `ACQUIS_UPLOAD_QUOTA_BYTES`.
"""

import hashlib
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import File
from django.utils import timezone

from acquis.documents.models import Document
from acquis.errors import AcquisError, storage_error_message
from acquis.rgpd.records import uploaded_documents


class DocumentError(AcquisError):
    """An upload refused, with a French message naming the problem."""


@dataclass(frozen=True)
class Detected:
    extension: str
    content_type: str


PDF = Detected("pdf", "application/pdf")
DOCX = Detected("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
ODT = Detected("odt", "application/vnd.oasis.opendocument.text")


def detect(fileobj) -> Detected | None:
    """The real type of the file from its bytes (never its name)."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            if (
                "mimetype" in names
                and archive.read("mimetype").strip() == ODT.content_type.encode()
            ):
                return ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    finally:
        fileobj.seek(0)
    return None


# --- active content ----------------------------------------------------------------------

# PDF names that make a reader run something or carry another file (ISO 32000-1 §12.6.4.5
# Launch, §12.6.4.16 JavaScript, §7.11.4 embedded files, §12.5.6.15 file attachments,
# §12.8 rich media; XFA forms carry scripts).
PDF_ACTIVE_KEYS = {
    "/JS": "du JavaScript",
    "/JavaScript": "du JavaScript",
    "/Launch": "une action qui lance un programme",
    "/EmbeddedFile": "des fichiers incorporés",
    "/EmbeddedFiles": "des fichiers incorporés",
    "/FileAttachment": "des fichiers joints",
    "/RichMedia": "du contenu multimédia actif",
    "/XFA": "un formulaire XFA (scripts)",
}
HTML_MARKERS = re.compile(rb"<\s*(?:!doctype\s+html|html|script|body|iframe|svg)\b", re.IGNORECASE)
MAX_WALK = 200_000  # objects visited in one PDF: a bomb of references is refused, not walked


def _pdf_active_content(fileobj) -> str | None:
    """What active content the PDF carries (French), or None; unreadable: a refusal too."""
    # pikepdf is imported where used: about 0.2 s of CPU at every start of the `acquis`
    # command otherwise (python -X importtime, docs/testing.md).
    import pikepdf

    fileobj.seek(0)
    try:
        with pikepdf.open(fileobj) as pdf:
            seen, stack, visited = set(), [pdf.trailer], 0
            while stack:
                obj = stack.pop()
                visited += 1
                if visited > MAX_WALK:
                    return "une structure démesurée"
                if isinstance(obj, pikepdf.Object) and obj.is_indirect:
                    key = obj.objgen
                    if key in seen:
                        continue
                    seen.add(key)
                if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                    for name, value in obj.items():
                        if name in PDF_ACTIVE_KEYS:
                            return PDF_ACTIVE_KEYS[name]
                        if isinstance(value, pikepdf.Name) and str(value) in PDF_ACTIVE_KEYS:
                            return PDF_ACTIVE_KEYS[str(value)]
                        stack.append(value)
                elif isinstance(obj, pikepdf.Array):
                    stack.extend(obj)
    except (pikepdf.PdfError, RecursionError, ValueError):
        return "une structure illisible"
    finally:
        fileobj.seek(0)
    return None


def _office_macros(fileobj, detected: Detected) -> bool:
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = archive.namelist()
            lowered = [name.lower() for name in names]
            if any(name.endswith("vbaproject.bin") or "vbadata" in name for name in lowered):
                return True
            if detected == DOCX:
                types = archive.read("[Content_Types].xml").lower()
                return b"macroenabled" in types or b"vba" in types
            manifest = (
                archive.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
            )
            return (
                any(name.startswith(("basic/", "scripts/")) for name in lowered)
                or b"script" in manifest.lower()
            )
    except (zipfile.BadZipFile, KeyError, OSError):
        return True
    finally:
        fileobj.seek(0)


def _contains_html(fileobj) -> bool:
    fileobj.seek(0)
    tail = b""
    try:
        for chunk in iter(lambda: fileobj.read(1 << 20), b""):
            if HTML_MARKERS.search(tail + chunk):
                return True
            tail = chunk[-32:]
    finally:
        fileobj.seek(0)
    return False


# Extensions a system may execute or a browser render: never the end of an upload's name.
ACTIVE_EXTENSIONS = frozenset(
    "exe com bat cmd scr pif msi msp dll cpl jar js jse vbs vbe wsf wsh ps1 psm1 sh bash "
    "app apk hta htm html xhtml shtml svg lnk reg docm dotm xlsm pptm odb".split()
)


def _extensions(name: str) -> list[str]:
    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return [part.lower() for part in base.split(".")[1:]]


def _refusal(upload, detected: Detected, field_label: str) -> str | None:
    name = (getattr(upload, "name", "") or "").strip()
    extensions = _extensions(name)
    last = extensions[-1] if extensions else ""
    # The content decides the type (a DOCX named "dossier.txt" is stored as a DOCX), but a
    # name that ends in another type than the content's after a first extension
    # ("cv.pdf.exe"), or in an executable one, is a disguise.
    if last != detected.extension and (len(extensions) > 1 or last in ACTIVE_EXTENSIONS):
        return (
            f"{field_label} : le nom « {name} » ne se termine pas par « .{detected.extension} » "
            f"alors que le contenu est un {detected.extension.upper()} (une double extension "
            "comme « cv.pdf.exe » est refusée). Renommez le fichier et déposez-le de nouveau."
        )
    if detected == PDF and _contains_html(upload):
        return (
            f"{field_label} : le fichier contient aussi du HTML (fichier polyglotte) ; "
            "seul un document simple est accepté. Exportez-le de nouveau en "
            f"{detected.extension.upper()}."
        )
    if detected == PDF:
        active = _pdf_active_content(upload)
        if active:
            return (
                f"{field_label} : ce PDF contient {active}, refusé par sécurité. "
                "Imprimez-le en PDF (« Enregistrer au format PDF ») et déposez cette copie."
            )
    elif _office_macros(upload, detected):
        return (
            f"{field_label} : ce document contient des macros, refusées par sécurité. "
            f"Enregistrez-le sans macros (format {detected.extension.upper()} standard) ou en PDF."
        )
    return None


def _quota_refusal(candidacy, size: int, field_label: str) -> str | None:
    if candidacy is None:
        return None
    quota = settings.ACQUIS_UPLOAD_QUOTA_BYTES
    used = sum(d.size for d in uploaded_documents(candidacy.candidate) if d.purged_at is None)
    if used + size > quota:
        return (
            f"{field_label} : l'espace de dépôt de la candidature est plein "
            f"({used / 1_048_576:.1f} Mo déjà déposés, au plus {quota / 1_048_576:.0f} Mo). "
            "Demandez au responsable des épreuves."
        )
    return None


def store_upload(
    upload, *, kind: str, actor=None, field_label: str = "fichier", candidacy=None
) -> Document:
    """Check and store an uploaded file; the caller's transaction holds the Document row.

    `candidacy`: the dossier the file goes to, whose quota it counts against."""
    limit = settings.ACQUIS_UPLOAD_MAX_BYTES
    if upload is None:
        raise DocumentError(f"{field_label} : aucun fichier reçu.")
    if upload.size > limit:
        raise DocumentError(
            f"{field_label} : le fichier pèse {upload.size / 1_048_576:.1f} Mo, "
            f"au-delà de la limite de {limit / 1_048_576:.0f} Mo."
        )
    if upload.size == 0:
        raise DocumentError(f"{field_label} : le fichier est vide.")
    detected = detect(upload)
    if detected is None:
        raise DocumentError(
            f"{field_label} : seuls les fichiers PDF, DOCX et ODT sont acceptés "
            "(le contenu du fichier ne correspond à aucun de ces formats)."
        )
    refusal = _refusal(upload, detected, field_label) or _quota_refusal(
        candidacy, upload.size, field_label
    )
    if refusal:
        raise DocumentError(refusal)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = Document(
        original_name=(getattr(upload, "name", "") or "fichier").rsplit("/", 1)[-1][:255],
        content_type=detected.content_type,
        extension=detected.extension,
        size=upload.size,
        sha256=digest.hexdigest(),
        kind=kind,
        uploaded_by=actor if actor is not None and actor.pk else None,
        uploaded_at=timezone.now(),
    )
    try:
        document.file.save("upload", File(upload), save=False)
    except OSError as exc:
        raise DocumentError(f"{field_label} : {storage_error_message(exc)}") from exc
    document.save()
    return document
