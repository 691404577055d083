"""What the PV, the decision letter and the printable grids share: the certifier's block,
the level label, and storing a signed document.

The certificate path (`documents._issue`) is left as it is; `store_signed` is its
counterpart for the documents that are not numbered by the certificate counter (the PV keeps
its own number, the letter has none).
"""

import hashlib
import re
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile

from acquis.audit.services import record_event
from acquis.credentials import documents, signing
from acquis.credentials.enums import DocumentKind
from acquis.credentials.models import CURRENT_WORDING, IssuedDocument
from acquis.credentials.verification import masked_name
from acquis.dates import french_date
from acquis.organisations import certifier_settings


def level_label(level: str) -> str:
    """The CNCP level as printed ("NIV5" -> "Niveau 5"), as CertificationVersion does."""
    return f"Niveau {level[3:]}" if level and level.startswith("NIV") else ""


def registry_label(registry: str) -> str:
    """The registry code only when its number is known ("RNCP" alone is not a code); a
    prefix written twice by older PV contents ("RNCPRNCP36612") is printed once."""
    if not registry or not re.search(r"\d", registry):
        return ""
    return re.sub(r"^([A-Za-z]+)\1(?=\d)", r"\1", registry)


def certifier_data(certifier=None, *, name: str = "", address: str = "") -> dict:
    """The header: the certifier's display name (its settings, `certifier_settings`), its
    address, and the file of its logo (`logo_file`, read by `typst_render.render_inputs`)."""
    if certifier is None:
        return {"name": settings.ACQUIS_CERTIFIER_DISPLAY_NAME or name, "address": address}
    own = certifier_settings.settings_for(certifier)
    return {"name": own.display_name, "address": certifier.address, "logo_file": own.logo_file}


def signatory_data(certifier=None) -> dict:
    """The signatory of this certifier's documents (its settings; the environment for the
    installation's first certifier)."""
    own = certifier_settings.settings_for(certifier)
    return {"name": own.signatory_name, "title": own.signatory_title}


def document_block(kind: str, *, number: str, code: str, on: date) -> dict:
    return {
        "kind": kind,
        "kind_label": DocumentKind(kind).label,
        "number": number,
        "verify_url": documents.verify_url(code),
        "issued_on": french_date(on),
    }


def store_signed(
    pdf: bytes,
    *,
    kind: str,
    certifier,
    number: str,
    code: str,
    now,
    actor,
    filename: str,
    decision=None,
    minutes=None,
    candidate=None,
    payload: dict,
) -> IssuedDocument:
    """Sign the PDF (PAdES), store it with its SHA-256, audit it; inside the caller's
    transaction (a signing or storage failure leaves no row and no event)."""
    signed = signing.sign_pdf(
        pdf,
        reason=f"{DocumentKind(kind).label}" + (f" n° {number}" if number else ""),
        location=payload.get("place", ""),
        certifier=certifier,
    )
    document = IssuedDocument(
        certifier=certifier,
        kind=kind,
        number=number,
        decision=decision,
        minutes=minutes,
        candidate=candidate,
        holder_masked=masked_name(candidate) if candidate is not None else "",
        verification_code=code,
        sha256=hashlib.sha256(signed).hexdigest(),
        signed=True,
        wording=CURRENT_WORDING,
        issued_at=now,
        issued_by=actor if actor is not None and actor.pk else None,
    )
    document.file.save(filename, ContentFile(signed), save=False)
    document.save()
    record_event(
        "credentials.document_issued",
        document,
        actor=actor,
        payload={"kind": kind, "number": number, "sha256": document.sha256}
        | {key: value for key, value in payload.items() if key != "place"},
    )
    return document
