"""The one way the application sends an e-mail: `send_email` sends it and logs it.

Every domain that writes to a person calls `send_email` (never `django.core.mail` itself):
the row it writes (acquis.emails.models.EmailLog) says what was sent, to whom, about which
candidacy or session, and whether it left (the error when not). A send that fails never
raises: the caller reads `log.sent` and keeps its own retry rule (a convocation not marked
sent is sent again by the next call). `resend` sends a logged e-mail again (the staff's
« Renvoyer »), as a new row, audited.
"""

import base64
import smtplib

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from acquis.audit.services import record_event
from acquis.emails.enums import EmailStatus
from acquis.emails.exceptions import EmailError
from acquis.emails.models import EmailLog


def render(name: str, context: dict) -> tuple[str, str]:
    """The subject (one line) and body of the e-mail `emails/<name>_{subject,body}.txt`."""
    subject = render_to_string(f"emails/{name}_subject.txt", context)
    body = render_to_string(f"emails/{name}_body.txt", context)
    return " ".join(subject.split()), body


def send_email(
    *,
    kind: str,
    to: str,
    subject: str,
    body: str,
    certifier=None,
    candidacy=None,
    session=None,
    attachments=(),
    key: str = "",
    actor=None,
    resent_from=None,
    now=None,
) -> EmailLog:
    """Send one e-mail and log it; a failure is logged (with its error), never raised.

    `attachments`: (name, content bytes, mimetype) triples. `key`: a reminder's identity;
    once sent to `to` under a key, the same key is never sent to them again (EmailError)."""
    if key and EmailLog.objects.filter(key=key, recipient=to, status=EmailStatus.SENT).exists():
        raise EmailError("Ce rappel a déjà été envoyé à cette personne.")
    if candidacy is not None and certifier is None:
        certifier = candidacy.candidate.certifier
    if session is not None and certifier is None:
        certifier = session.certifier
    message = EmailMessage(subject, body, None, [to])
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    status, error = EmailStatus.SENT, ""
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        status, error = EmailStatus.FAILED, str(exc) or exc.__class__.__name__
    log = EmailLog(
        kind=kind,
        recipient=to,
        subject=subject[:255],
        body=body,
        attachments=[_stored(name, content, mimetype) for name, content, mimetype in attachments],
        certifier=certifier,
        candidacy=candidacy,
        session=session,
        created_at=now or timezone.now(),
        status=status,
        error=error,
        key=key,
        resent_from=resent_from,
        sent_by=actor if actor is not None and actor.pk else None,
    )
    try:
        with transaction.atomic():
            log.save()
    except IntegrityError as exc:  # two workers raced on the same reminder: one row stays
        raise EmailError("Ce rappel a déjà été envoyé à cette personne.") from exc
    return log


def _stored(name: str, content, mimetype: str) -> dict:
    raw = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    return {"name": name, "mimetype": mimetype, "content": base64.b64encode(raw).decode("ascii")}


def attachments_of(log: EmailLog) -> list[tuple[str, bytes, str]]:
    return [
        (item["name"], base64.b64decode(item["content"]), item["mimetype"])
        for item in log.attachments
    ]


def resend(log: EmailLog, *, actor, now=None) -> EmailLog:
    """Send a logged e-mail again, to the same address, as it was (a new row, audited)."""
    if not log.recipient or not log.body:
        raise EmailError(
            "Ce courriel ne peut pas être renvoyé : son contenu ou son destinataire a été effacé."
        )
    new = send_email(
        kind=log.kind,
        to=log.recipient,
        subject=log.subject,
        body=log.body,
        certifier=log.certifier,
        candidacy=log.candidacy,
        session=log.session,
        attachments=attachments_of(log),
        actor=actor,
        resent_from=log,
        now=now,
    )
    record_event(
        "email.resent",
        new,
        actor=actor,
        to_state=new.status,
        payload={"kind": new.kind, "resent_from": log.pk, "status": new.status},
    )
    return new
