"""What Acquis holds about one candidate: the records, the files, the audit events.

One place lists the models, so that the export (right of access), the erasure and the
register of processing (docs/rgpd.md) speak of the same things.
"""

from django.db.models import Q

from acquis.audit.models import AuditEvent
from acquis.candidates.models import (
    Accommodation,
    AdmissibilityRequest,
    Candidacy,
    Memoir,
    MemoirPartCheck,
    PlacementPeriod,
    ValidationFile,
    WorkPlacement,
)
from acquis.credentials.models import IssuedCredential, IssuedDocument
from acquis.documents.models import Document
from acquis.evaluations.models import CompetencyResult, DeliverableSubmission, Slot
from acquis.followup.models import Answer, Invitation
from acquis.juries.models import BlockDecision, Decision, HeldBlock


def candidate_records(candidate) -> dict[str, list]:
    """Every row about the candidate, by section (French titles: they name the JSON keys)."""
    candidacies = Candidacy.objects.filter(candidate=candidate)
    return {
        "candidat": [candidate],
        "candidatures": list(candidacies),
        "stages": list(WorkPlacement.objects.filter(candidacy__in=candidacies)),
        "periodes_de_stage": list(
            PlacementPeriod.objects.filter(placement__candidacy__in=candidacies)
        ),
        "memoires": list(Memoir.objects.filter(candidacy__in=candidacies)),
        "parties_du_memoire": list(
            MemoirPartCheck.objects.filter(memoir__candidacy__in=candidacies)
        ),
        "recevabilite": list(AdmissibilityRequest.objects.filter(candidacy__in=candidacies)),
        "dossiers_de_validation": list(ValidationFile.objects.filter(candidacy__in=candidacies)),
        "amenagements": list(Accommodation.objects.filter(candidacy__in=candidacies)),
        "creneaux_d_evaluation": list(Slot.objects.filter(candidacy__in=candidacies)),
        "livrables": list(DeliverableSubmission.objects.filter(slot__candidacy__in=candidacies)),
        "resultats_par_competence": list(
            CompetencyResult.objects.filter(candidacy__in=candidacies)
        ),
        "decisions": list(Decision.objects.filter(candidacy__in=candidacies)),
        "decisions_par_bloc": list(
            BlockDecision.objects.filter(decision__candidacy__in=candidacies)
        ),
        "blocs_acquis": list(HeldBlock.objects.filter(candidate=candidate)),
        "documents_delivres": list(IssuedDocument.objects.filter(candidate=candidate)),
        "badges": list(IssuedCredential.objects.filter(decision__candidacy__in=candidacies)),
        # Until pseudonymised: afterwards nothing links them to the person any more.
        "enquetes_d_insertion": list(
            Invitation.objects.filter(decision__candidacy__in=candidacies)
        ),
        "reponses_aux_enquetes": list(
            Answer.objects.filter(invitation__decision__candidacy__in=candidacies)
        ),
    }


def uploaded_documents(candidate) -> list:
    """The files the candidate (or staff, a partner for them) uploaded to their dossier."""
    candidacies = candidate.candidacies.all()
    ids = set()
    for model, path in (
        (Memoir, "document"),
        (MemoirPartCheck, "document"),
        (WorkPlacement, "attestation"),
        (AdmissibilityRequest, "document"),
        (ValidationFile, "document"),
    ):
        prefix = "memoir__candidacy__in" if model is MemoirPartCheck else "candidacy__in"
        ids.update(
            model.objects.filter(**{prefix: candidacies})
            .exclude(**{f"{path}__isnull": True})
            .values_list(path, flat=True)
        )
    ids.update(
        DeliverableSubmission.objects.filter(slot__candidacy__in=candidacies).values_list(
            "document", flat=True
        )
    )
    # The history: every file that ever was the candidacy's (a replaced upload stays).
    ids.update(_documents_in_history(candidate))
    return list(Document.objects.filter(pk__in=ids).order_by("uploaded_at"))


def _documents_in_history(candidate) -> set[int]:
    """Documents named by the audit events of the candidacies (replaced uploads)."""
    uuids, ids = set(), set()
    for payload in _events_about(candidate).values_list("payload", flat=True):
        for key in ("document", "replaces"):
            value = (payload or {}).get(key)
            if isinstance(value, str) and len(value) == 36:
                uuids.add(value)
            elif isinstance(value, int):
                ids.add(value)
    found = Document.objects.filter(uuid__in=uuids) | Document.objects.filter(pk__in=ids)
    return set(found.values_list("pk", flat=True))


def _events_about(candidate):
    candidacy_ids = [
        str(pk) for pk in Candidacy.objects.filter(candidate=candidate).values_list("pk", flat=True)
    ]
    placement_ids = [
        str(pk)
        for pk in WorkPlacement.objects.filter(candidacy__candidate=candidate).values_list(
            "pk", flat=True
        )
    ]
    query = Q(object_type="candidates.Candidate", object_id=str(candidate.pk))
    query |= Q(object_type="candidates.Candidacy", object_id__in=candidacy_ids)
    query |= Q(object_type="candidates.WorkPlacement", object_id__in=placement_ids)
    query |= Q(object_type="candidates.Memoir", object_id__in=_memoir_ids(candidate))
    if candidate.user_id:
        query |= Q(object_type="organisations.User", object_id=str(candidate.user_id))
        query |= Q(actor_id=candidate.user_id)
    return AuditEvent.objects.filter(query)


def _memoir_ids(candidate) -> list[str]:
    return [
        str(pk)
        for pk in Memoir.objects.filter(candidacy__candidate=candidate).values_list("pk", flat=True)
    ]


def audit_events_about(candidate):
    """The audit events whose object is the candidate's own record, or whose author is their
    account (legal records' events — deliberations, decisions, PV — are not among them)."""
    return _events_about(candidate).order_by("id")
