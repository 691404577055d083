"""The one dispatch point of webhooks: audited domain events become deliveries, by verb.

The audit log announces every event it appends (`audit.services.event_recorded`, inside the
domain's transaction); `on_events_recorded` keeps the verbs of VERB_EVENTS, finds who may
see the object (its certifier, and the partner of its candidacy) and writes one
`WebhookDelivery` per matching active subscription, with its delivery task, in that same
transaction: an action rolled back sends nothing, an action committed is always delivered
(the worker takes the task after the commit). Payloads carry identifiers and states only,
never personal data: the receiver reads the resource through the API with its own rights.
"""

from dataclasses import dataclass, field

from acquis.integrations import ecosystem, webhooks
from acquis.integrations.enums import EventType

VERB_EVENTS = {
    "candidacy.registered": EventType.CANDIDACY_REGISTERED,
    "slot.convoked": EventType.CONVOCATION_SENT,
    "slot.consolidate": EventType.RESULTS_CONSOLIDATED,
    "session.close": EventType.RESULTS_RELEASED,
    "decision.frozen": EventType.DECISION_SIGNED,
    "credentials.document_issued": EventType.DOCUMENT_ISSUED,
    "badges.issued": EventType.DOCUMENT_ISSUED,
    "credentials.document_revoked": EventType.DOCUMENT_REVOKED,
    "badges.revoked": EventType.DOCUMENT_REVOKED,
}


def event_type(verb: str) -> str | None:
    if verb in VERB_EVENTS:
        return VERB_EVENTS[verb]
    if verb.startswith("candidacy."):  # every move of the candidacy workflow
        return EventType.CANDIDACY_STATUS_CHANGED
    return None


@dataclass
class Subject:
    """Who may receive an event: the certifier's clients, and these partners' clients."""

    certifier_id: int
    partner_ids: set = field(default_factory=set)
    data: dict = field(default_factory=dict)


def _candidacy_subject(candidacy, event) -> Subject:
    data = {
        "candidacy_id": candidacy.pk,
        "status": candidacy.status,
        "pathway": candidacy.pathway,
        "resource": f"/api/v1/candidacies/{candidacy.pk}",
    }
    if event.from_state:
        data["from_status"] = event.from_state
    state = ecosystem.wedof_state(candidacy.status, decision_kind=event.payload.get("kind", ""))
    data["ecosystem"] = {"wedof_state": state, "wedof_event": f"certificationFolder.{state}"}
    return Subject(candidacy.candidate.certifier_id, {candidacy.partner_id} - {None}, data)


def _slot_subject(slot, event) -> Subject:
    candidacy = slot.candidacy
    data = {
        "slot_id": slot.pk,
        "session_id": slot.session_id,
        "candidacy_id": candidacy.pk,
        "assessment": slot.assessment.code,
        "starts_at": slot.starts_at.isoformat(),
        "resource": f"/api/v1/convocations/{slot.pk}",
    }
    return Subject(slot.session.certifier_id, {candidacy.partner_id} - {None}, data)


def _session_subject(session, event) -> Subject:
    partners = set(
        session.slots.exclude(candidacy__partner=None).values_list("candidacy__partner", flat=True)
    )
    data = {"session_id": session.pk, "resource": f"/api/v1/sessions/{session.pk}"}
    return Subject(session.certifier_id, partners, data)


def _decision_subject(decision, event) -> Subject:
    candidacy = decision.candidacy
    data = {
        "decision_id": decision.pk,
        "candidacy_id": candidacy.pk,
        "resource": f"/api/v1/decisions/{decision.pk}",
    }
    if event.verb == "badges.issued":
        data = {
            "kind": "badge",
            "decision_id": decision.pk,
            "candidacy_id": candidacy.pk,
            "credentials": event.payload.get("credentials", []),
            "resource": f"/api/v1/badges?decision={decision.pk}",
        }
    else:
        state = ecosystem.wedof_state("decided", decision_kind=decision.kind)
        data |= {
            "kind": decision.kind,
            "ecosystem": {"wedof_state": state, "wedof_event": f"certificationFolder.{state}"},
        }
    certifier_id = decision.deliberation.certifier_id
    return Subject(certifier_id, {candidacy.partner_id} - {None}, data)


def _document_subject(document, event) -> Subject:
    candidacy = document.decision.candidacy if document.decision_id else None
    data = {
        "document_id": document.pk,
        "kind": document.kind,
        "number": document.number,
        "candidacy_id": candidacy.pk if candidacy else None,
        "resource": f"/api/v1/issued-documents/{document.pk}",
    }
    partners = {candidacy.partner_id} - {None} if candidacy else set()
    return Subject(document.certifier_id, partners, data)


def _badge_subject(credential, event) -> Subject:
    candidacy = credential.decision.candidacy
    data = {
        "badge_id": credential.pk,
        "kind": "badge",
        "credential_id": credential.credential_id,
        "candidacy_id": candidacy.pk,
        "resource": f"/api/v1/badges/{credential.pk}",
    }
    return Subject(credential.certifier_id, {candidacy.partner_id} - {None}, data)


SUBJECTS = {
    "candidates.Candidacy": _candidacy_subject,
    "evaluations.Slot": _slot_subject,
    "evaluations.EvaluationSession": _session_subject,
    "juries.Decision": _decision_subject,
    "credentials.IssuedDocument": _document_subject,
    "credentials.IssuedCredential": _badge_subject,
}


def on_events_recorded(sender, *, events, objects, **kwargs) -> None:
    """Receiver of audit.services.event_recorded (connected in apps.py)."""
    wanted = [
        (event, obj, kind)
        for event, obj in zip(events, objects, strict=True)
        if (kind := event_type(event.verb)) is not None
        and event.object_type in SUBJECTS
        and not (kind == EventType.CANDIDACY_STATUS_CHANGED and event.from_state == event.to_state)
    ]
    if not wanted:
        return
    subscriptions = webhooks.SubscriptionIndex()
    for event, obj, kind in wanted:
        if not subscriptions.any_for(kind):
            continue
        subject = SUBJECTS[event.object_type](obj, event)
        for subscription in subscriptions.matching(kind, subject):
            webhooks.queue_delivery(subscription, kind, event, subject.data)
