"""Rows to response bodies (dicts the schemas of schemas.py validate), and their ETags."""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch

from acquis.candidates.models import AdmissibilityRequest, ValidationFile
from acquis.credentials.documents import verify_url
from acquis.evaluations.enums import SlotStatus
from acquis.evaluations.models import Slot
from acquis.exports.enums import LineStatus
from acquis.integrations import ecosystem
from acquis.juries.models import Decision

IDENTITY = (
    "birth_name",
    "usage_name",
    "first_name",
    "first_name_2",
    "first_name_3",
    "sex",
    "birth_date",
    "birth_insee_code",
    "birth_city",
    "birth_country",
    "email",
    "phone",
    "address",
    "postal_code",
    "city",
)


def etag(body: dict) -> str:
    raw = json.dumps(body, cls=DjangoJSONEncoder, sort_keys=True).encode()
    return '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'


def candidate(row) -> dict:
    return {
        "id": row.pk,
        **{name: getattr(row, name) for name in IDENTITY},
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def with_candidacy_data(queryset):
    """What `candidacy` reads, in a constant number of queries."""
    return (
        queryset.select_related("version__certification")
        .prefetch_related(
            "blocks",
            Prefetch(
                "decisions",
                Decision.objects.filter(frozen=True).order_by("-pk"),
                to_attr="frozen_decisions",
            ),
            Prefetch(
                "admissibility_requests",
                AdmissibilityRequest.objects.order_by("-submitted_at", "-pk"),
                to_attr="requests_latest",
            ),
            Prefetch(
                "validation_files",
                ValidationFile.objects.order_by("-submitted_at", "-pk"),
                to_attr="files_latest",
            ),
            Prefetch(
                "evaluation_slots",
                Slot.objects.order_by("-starts_at", "-pk"),
                to_attr="slots_latest",
            ),
        )
        .defer("version__document")
    )


def candidacy_ecosystem(row) -> dict:
    decisions = getattr(row, "frozen_decisions", None)
    if decisions is None:
        row = with_candidacy_data(type(row).objects.filter(pk=row.pk)).get()
        decisions = row.frozen_decisions
    requests, files, slots = row.requests_latest, row.files_latest, row.slots_latest
    absent = (SlotStatus.ABSENT_EXCUSED, SlotStatus.ABSENT_UNEXCUSED)
    return ecosystem.candidacy_mapping(
        status=row.status,
        pathway=row.pathway,
        whole_title=row.whole_title,
        decision_kind=decisions[0].kind if decisions else "",
        convoked=any(s.convoked_at and s.status == SlotStatus.SCHEDULED for s in slots),
        admissibility=requests[0].decision if requests else None,
        validation_file=files[0].decision if files else None,
        absence=slots[0].status if slots and slots[0].status in absent else "",
    )


def candidacy(row) -> dict:
    return {
        "id": row.pk,
        "candidate_id": row.candidate_id,
        "version_id": row.version_id,
        "certification": row.version.certification.code,
        "cohort_id": row.cohort_id,
        "partner_id": row.partner_id,
        "pathway": row.pathway,
        "access_mode": row.access_mode,
        "vae_route": row.vae_route,
        "whole_title": row.whole_title,
        "blocks": sorted(b.code for b in row.blocks.all()),
        "status": row.status,
        "status_label": row.get_status_display(),
        "registered_on": row.registered_on,
        "memoir_deadline": row.memoir_deadline,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "ecosystem": candidacy_ecosystem(row),
    }


def upload(document) -> dict | None:
    if document is None:
        return None
    return {
        "id": str(document.uuid),
        "name": document.original_name,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
        "uploaded_at": document.uploaded_at,
    }


def placement(row) -> dict:
    periods = list(row.periods.all())
    return {
        "id": row.pk,
        "candidacy_id": row.candidacy_id,
        "host_structure": row.host_structure,
        "host_siret": row.host_siret,
        "position": row.position,
        "tutor_name": row.tutor_name,
        "tutor_email": row.tutor_email,
        "days_worked": sum(p.days_worked for p in periods),
        "periods": [
            {"starts_on": p.starts_on, "ends_on": p.ends_on, "days_worked": p.days_worked}
            for p in periods
        ],
        "attestation": upload(row.attestation),
        "updated_at": row.updated_at,
    }


def session(row) -> dict:
    return {
        "id": row.pk,
        "title": row.title,
        "date": row.date,
        "place": row.place,
        "remote": row.remote,
        "status": row.status,
        "version_id": row.version_id,
        "updated_at": row.updated_at,
    }


def convocation(row) -> dict:
    return {
        "id": row.pk,
        "session_id": row.session_id,
        "candidacy_id": row.candidacy_id,
        "assessment": row.assessment.code,
        "assessment_title": row.assessment.title,
        "starts_at": row.starts_at,
        "ends_at": row.ends_at,
        "duration_minutes": row.duration_minutes,
        "extra_minutes": row.extra_minutes,
        "room": row.room,
        "place": row.session.place,
        "status": row.status,
        "convoked_at": row.convoked_at,
        "updated_at": row.updated_at,
    }


def result(row) -> dict:
    slot = row.slot
    return {
        "id": row.pk,
        "slot_id": slot.pk,
        "session_id": slot.session_id,
        "candidacy_id": slot.candidacy_id,
        "assessment": slot.assessment.code,
        "outcome": row.outcome,
        "competencies": [
            {"competency": r.competency.code, "acquired": r.acquired}
            for r in row.competency_results.all()
        ],
        "recorded_at": row.recorded_at,
        "released_at": slot.session.updated_at,
    }


def decision(row) -> dict:
    candidacy = row.candidacy
    state = ecosystem.wedof_state("decided", decision_kind=row.kind)
    vae = ecosystem.france_vae(
        pathway=candidacy.pathway,
        whole_title=candidacy.whole_title,
        admissibility=None,
        validation_file=None,
        decision_kind=row.kind,
    )
    return {
        "id": row.pk,
        "candidacy_id": candidacy.pk,
        "kind": row.kind,
        "kind_label": row.get_kind_display(),
        "reason": row.reason,
        "further_evidence": row.further_evidence,
        "deadline": row.deadline,
        "blocks": [{"block": b.block.code, "validated": b.validated} for b in row.blocks.all()],
        "corrects_id": row.corrects_id,
        "deliberation_date": row.deliberation.date,
        "signed_at": row.signed_at,
        "ecosystem": {
            "wedof_state": state,
            "wedof_event": f"certificationFolder.{state}",
            "france_vae": vae,
        },
    }


def issued_document(row) -> dict:
    return {
        "id": row.pk,
        "kind": row.kind,
        "number": row.number,
        "decision_id": row.decision_id,
        "candidacy_id": row.decision.candidacy_id if row.decision_id else None,
        "issued_at": row.issued_at,
        "revoked_at": row.revoked_at,
        "sha256": row.sha256,
        "verification_url": verify_url(row.verification_code),
    }


def badge(row) -> dict:
    return {
        "id": row.pk,
        "credential_id": row.credential_id,
        "decision_id": row.decision_id,
        "candidacy_id": row.decision.candidacy_id,
        "block": row.block.code if row.block_id else None,
        "issued_at": row.issued_at,
        "revoked_at": row.revoked_at,
        "credential": row.document,
    }


def accrochage(row) -> dict:
    status = row.line_status or "not_declared"
    return {
        "decision_id": row.pk,
        "candidacy_id": row.candidacy_id,
        "candidate_id": row.candidacy.candidate_id,
        "status": status,
        "message": row.line_message or "",
        "declared_at": row.declared_at,
        "reported_at": row.reported_at,
        "wedof": ecosystem.WEDOF_ACCROCHAGE.get(LineStatus(status)) if row.line_status else None,
        "signed_at": row.signed_at,
    }
