"""Short satisfaction surveys: candidates after a sitting (evaluation session), jury members
after a deliberation. Optional: the staff sends them from the surveys page; the e-mails go
through the worker; the link (signed, its own purpose, expiring) needs no account; results
per session or deliberation with the same small-number suppression as the indicators.

Only these answers are kept: two ratings and an optional comment, never shown under the
suppression threshold (a comment could name its author).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from acquis.audit.services import record_event
from acquis.emails.enums import EmailKind
from acquis.emails.services import render, send_email
from acquis.evaluations.enums import SessionStatus
from acquis.followup import indicators, tokens
from acquis.followup.enums import Rating, SatisfactionKind
from acquis.followup.exceptions import FollowupError
from acquis.followup.models import SatisfactionAnswer, SatisfactionRequest
from acquis.juries.enums import DeliberationStatus
from acquis.juries.notifications import candidate_email
from acquis.site import public_url

SALT = "acquis.followup.satisfaction"
VALID_DAYS = 30


def make_token(request: SatisfactionRequest) -> str:
    payload = {"s": request.pk, "n": request.nonce, "e": request.expires_on.isoformat()}
    return signing.dumps(payload, salt=SALT)


def request_for(token: str, *, now=None) -> SatisfactionRequest:
    try:
        payload = signing.loads(token, salt=SALT)
        pk, nonce, expiry = int(payload["s"]), str(payload["n"]), date.fromisoformat(payload["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise FollowupError(tokens.INVALID) from exc
    found = SatisfactionRequest.objects.filter(pk=pk).first()
    if found is None or not found.nonce or found.nonce != nonce:
        raise FollowupError(tokens.INVALID)
    if timezone.localdate(now or timezone.now()) > min(expiry, found.expires_on):
        raise FollowupError(tokens.EXPIRED.format(f"{found.expires_on:%d/%m/%Y}"))
    return found


@transaction.atomic
def request_after_session(session, *, actor, now=None) -> int:
    """Ask each candidate of a closed session; the number of new requests."""
    now = now or timezone.now()
    if session.status != SessionStatus.CLOSED:
        raise FollowupError("Enquête possible une fois la session clôturée.")
    asked = set(
        SatisfactionRequest.objects.filter(session=session).values_list("candidacy", flat=True)
    )
    candidacies = {slot.candidacy for slot in session.slots.select_related("candidacy__candidate")}
    new = [
        _request(
            SatisfactionKind.SITTING,
            now,
            session=session,
            candidacy=c,
            email=candidate_email(c.candidate),
        )  # fmt: skip
        for c in sorted(candidacies, key=lambda c: c.pk)
        if c.pk not in asked
    ]
    return _save(new, session, actor)


@transaction.atomic
def request_after_deliberation(deliberation, *, actor, now=None) -> int:
    """Ask each jury member of a signed deliberation; the number of new requests."""
    now = now or timezone.now()
    if deliberation.status != DeliberationStatus.SIGNED:
        raise FollowupError("Enquête possible une fois le procès-verbal signé.")
    asked = set(
        SatisfactionRequest.objects.filter(deliberation=deliberation).values_list(
            "member", flat=True
        )
    )
    new = [
        _request(
            SatisfactionKind.DELIBERATION,
            now,
            deliberation=deliberation,
            member=m.user,
            email=m.user.email,
        )  # fmt: skip
        for m in deliberation.members.select_related("user").order_by("pk")
        if m.user_id not in asked
    ]
    return _save(new, deliberation, actor)


def _request(kind, now, **fields) -> SatisfactionRequest:
    return SatisfactionRequest(
        kind=kind,
        nonce=tokens.new_nonce(),
        created_at=now,
        expires_on=timezone.localdate(now) + timedelta(days=VALID_DAYS),
        **fields,
    )


def _save(new, event, actor) -> int:
    if not new:
        raise FollowupError("Tout le monde a déjà reçu cette enquête.")
    SatisfactionRequest.objects.bulk_create(new)
    record_event("followup.satisfaction.request", event, actor=actor, payload={"sent": len(new)})
    send_satisfaction_requests.enqueue()
    return len(new)


def send_pending(*, now=None) -> int:
    now = now or timezone.now()
    sent = 0
    pending = SatisfactionRequest.objects.filter(sent_at__isnull=True).exclude(email="")
    for request in pending.select_related("session", "deliberation"):
        event = request.session or request.deliberation
        context = {
            "event": event,
            "kind": request.kind,
            "url": public_url(reverse("public:satisfaction_answer", args=[make_token(request)])),
            "expires_on": request.expires_on,
            "certifier": settings.ACQUIS_CERTIFIER_DISPLAY_NAME or event.certifier.name,
        }
        subject, body = render("satisfaction", context)
        log = send_email(
            kind=EmailKind.SATISFACTION,
            to=request.email,
            subject=subject,
            body=body,
            certifier=event.certifier,
            session=request.session,
        )
        if log.failed:
            continue
        SatisfactionRequest.objects.filter(pk=request.pk).update(sent_at=now)
        sent += 1
    return sent


@task()
def send_satisfaction_requests() -> int:
    return send_pending()


@transaction.atomic
def submit(token: str, data: dict, *, now=None) -> SatisfactionAnswer:
    """Record or change the answer of the link's person, until the link expires."""
    now = now or timezone.now()
    request = request_for(token, now=now)
    values = {
        "overall": data["overall"],
        "organisation": data["organisation"],
        "comment": (data.get("comment") or "").strip()[:1000],
        "submitted_at": now,
    }
    answer, _ = SatisfactionAnswer.objects.update_or_create(request=request, defaults=values)
    return answer


@dataclass
class Results:
    asked: int
    answers: int
    threshold: int
    overall: list[tuple[str, int]]
    organisation: list[tuple[str, int]]
    comments: list[str]

    @property
    def suppressed(self) -> bool:
        return self.answers < self.threshold

    @property
    def satisfied_rate(self) -> float | None:
        """Very or rather satisfied ÷ answers (overall rating)."""
        if self.suppressed:
            return None
        counts = dict(self.overall)
        satisfied = counts[Rating.VERY.label] + counts[Rating.RATHER.label]
        return indicators.rate(satisfied, self.answers)


def results(requests) -> Results:
    answers = SatisfactionAnswer.objects.filter(request__in=requests)
    count = answers.count()
    threshold = indicators.min_answers()

    def distribution(name):
        rows = dict(answers.values_list(name).annotate(n=Count("pk")).order_by())
        return [(label, rows.get(value, 0)) for value, label in Rating.choices]

    hidden = count < threshold
    return Results(
        asked=requests.count(),
        answers=count,
        threshold=threshold,
        overall=[] if hidden else distribution("overall"),
        organisation=[] if hidden else distribution("organisation"),
        comments=[]
        if hidden
        else list(answers.exclude(comment="").values_list("comment", flat=True)),
    )
