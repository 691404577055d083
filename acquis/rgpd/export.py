"""Right of access (RGPD art. 15): everything about one candidate, as JSON, with their files.

`export_candidate` builds a ZIP: `donnees.json` (each record with its fields, by section,
plus the audit events about them) and `fichiers/` (the uploads, current and replaced, and
the documents issued to them). Writing it is an audit event (`rgpd.exported`).
"""

import io
import json
import zipfile

from django.core import serializers
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from acquis.audit.services import record_event
from acquis.rgpd import records


def _rows(instances) -> list[dict]:
    return [
        {"type": row["model"], "id": row["pk"], **row["fields"]}
        for row in serializers.serialize("python", instances)
    ]


def export_candidate(candidate, *, actor) -> bytes:
    data = {
        "export": {
            "date": timezone.now().isoformat(),
            "candidat": candidate.pk,
            "contenu": "Données personnelles détenues par Acquis sur ce candidat (RGPD, art. 15).",
        }
    }
    for section, instances in records.candidate_records(candidate).items():
        data[section] = _rows(instances)
    if candidate.user_id:
        user = candidate.user
        data["compte"] = [
            {
                "email": user.email,
                "prenom": user.first_name,
                "nom": user.last_name,
                "actif": user.is_active,
                "inscrit_le": user.date_joined.isoformat(),
                "derniere_connexion": user.last_login.isoformat() if user.last_login else None,
            }
        ]
    data["journal_d_audit"] = [
        {
            "date": event.created_at.isoformat(),
            "action": event.verb,
            "objet": f"{event.object_type} {event.object_id}",
            "de": event.from_state,
            "vers": event.to_state,
            "donnees": event.payload,
        }
        for event in records.audit_events_about(candidate)
    ]
    buffer = io.BytesIO()
    files = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        uploads = []
        for document in records.uploaded_documents(candidate):
            entry = {
                "id": str(document.uuid),
                "nom": document.original_name,
                "nature": document.kind,
                "depose_le": document.uploaded_at.isoformat(),
                "sha256": document.sha256,
            }
            if document.purged_at is None and document.file:
                name = f"fichiers/pieces/{document.uuid}.{document.extension}"
                with document.file.open("rb") as handle:
                    archive.writestr(name, handle.read())
                entry["fichier"], files = name, files + 1
            uploads.append(entry)
        data["pieces_deposees"] = uploads
        for issued in data["documents_delivres"]:
            stored = issued.get("file")
            if stored:
                name = f"fichiers/documents-delivres/{issued.get('number') or issued['id']}.pdf"
                with default_storage.open(stored, "rb") as handle:
                    archive.writestr(name, handle.read())
                issued["fichier_exporte"], files = name, files + 1
        archive.writestr(
            "donnees.json",
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
    record_event(
        "rgpd.exported",
        candidate,
        actor=actor,
        object_repr=f"Candidat n° {candidate.pk}",
        payload={"files": files, "sections": len(data)},
    )
    return buffer.getvalue()
