"""Accept an upload: PDF, DOCX or ODT recognised by content, size-limited, hashed."""

import hashlib
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import File
from django.utils import timezone

from acquis.documents.models import Document
from acquis.errors import AcquisError


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


def store_upload(upload, *, kind: str, actor=None, field_label: str = "fichier") -> Document:
    """Check and store an uploaded file; the caller's transaction holds the Document row."""
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
    document.file.save("upload", File(upload), save=False)
    document.save()
    return document
