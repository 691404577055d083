"""The candidate learns the jury's decision only once its PV is signed (issue 5, §8).

`notify_decisions(deliberation)` emails each candidate not notified yet (the decision, block
by block, and for a partial validation what remains and until when) and stamps
`Decision.notified_at`. The portal page (`candidate_decisions`) shows the same decisions,
also only from signed deliberations. A failed email leaves `notified_at` empty: calling the
verb again sends only what is missing.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from acquis.audit.services import record_event
from acquis.emails.enums import EmailKind
from acquis.emails.services import render, send_email
from acquis.juries.appeal import appeal_data
from acquis.juries.enums import DecisionKind, DeliberationStatus
from acquis.juries.exceptions import JuryError
from acquis.juries.models import Decision
from acquis.organisations import certifier_settings
from acquis.site import public_url


@dataclass
class NotificationSummary:
    sent: list[str] = field(default_factory=list)
    without_email: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def candidate_email(candidate) -> str:
    if candidate.email:
        return candidate.email
    user = candidate.user
    return user.email if user is not None else ""


def decision_letter(decision: Decision) -> dict:
    """What the candidate is told: the decision, each block, and what remains."""
    rows = list(decision.blocks.all())
    validated = [row for row in rows if row.validated]
    remaining = [row for row in rows if not row.validated]
    return {
        "decision": decision,
        "candidate": decision.candidacy.candidate,
        "certification": decision.deliberation.version.title,
        "deliberation": decision.deliberation,
        "validated": validated,
        "remaining": remaining,
        "is_total": decision.kind == DecisionKind.TOTAL,
        "is_title": decision.title_awarded,
        "appeal": appeal_data(
            decision.deliberation.version,
            certifier_settings.display_name(decision.deliberation.certifier),
            notice="la lettre de décision (dans votre espace)",
        ),
        "is_partial": decision.kind == DecisionKind.PARTIAL,
        "is_refused": decision.kind == DecisionKind.REFUSED,
        "url": public_url(reverse("candidate:decisions")),
    }


def _send(decision: Decision, to: str) -> bool:
    subject, body = render("decision", decision_letter(decision))
    log = send_email(
        kind=EmailKind.DECISION,
        to=to,
        subject=subject,
        body=body,
        candidacy=decision.candidacy,
        certifier=decision.deliberation.certifier,
    )
    return not log.failed


def notify_decisions(deliberation) -> NotificationSummary:
    """Email the candidates of a signed deliberation who have not been notified yet."""
    if deliberation.status != DeliberationStatus.SIGNED:
        raise JuryError(
            "Les décisions ne sont notifiées aux candidats qu'une fois le procès-verbal signé."
        )
    summary = NotificationSummary()
    decisions = (
        Decision.objects.filter(deliberation=deliberation, notified_at__isnull=True)
        .select_related(
            "candidacy__candidate__user",
            "deliberation__version",
            "deliberation__certifier",
            "corrects__deliberation",
        )
        .prefetch_related("blocks__block")
        .order_by("pk")
    )
    for decision in decisions:
        candidate = decision.candidacy.candidate
        to = candidate_email(candidate)
        if not to:
            summary.without_email.append(candidate.full_name)
            continue
        if not _send(decision, to):
            summary.failed.append(candidate.full_name)
            continue
        now = timezone.now()
        # A queryset update: the decision is frozen, and only this stamp may be added.
        Decision.objects.filter(pk=decision.pk, notified_at__isnull=True).update(notified_at=now)
        record_event(
            "decision.notified",
            decision,
            payload={"to": to, "kind": decision.kind},
        )
        summary.sent.append(candidate.full_name)
    return summary
