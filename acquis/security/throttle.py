"""Limit repeated attempts per account and per IP address, in the database.

One mechanism for every guessable entry point: the login form (per account and per IP),
the second factor, the password re-entered to sign a PV (counted with the login: one
account, one budget of guesses), the invitation link (per IP), the password-reset request
(per address: a few e-mails an hour, and per IP) and the public verification pages (per
IP). The limits live in `ACQUIS_THROTTLES` (settings): `limit` attempts within `window`
seconds, then a lock of `lock` seconds.

Rows are locked (`select_for_update`) while counting, so concurrent attempts on PostgreSQL
count one by one; the key is stored as an HMAC (models.Throttle). A lock and its end are
audit events (`security.locked`, `security.unlocked`); the end is written when the lock is
next looked at, by the daily maintenance (`expire_locks`) or by an administrator.
"""

import hashlib
import hmac
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from acquis.audit.services import record_event
from acquis.security.models import Throttle

LOCKED_MESSAGE = (
    "Trop de tentatives : par sécurité, cette action est suspendue jusqu'à {until}. "
    "Réessayez ensuite."
)


def digest(scope: str, key: str) -> str:
    message = f"{scope}:{(key or '').strip().lower()}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _limits(scope: str) -> dict:
    return settings.ACQUIS_THROTTLES[scope]


def _row(scope: str, key: str, now: datetime) -> Throttle:
    """The locked row of this counter (created on first use, race-safe)."""
    key_digest = digest(scope, key)
    row = Throttle.objects.select_for_update().filter(scope=scope, key_digest=key_digest).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            Throttle.objects.create(scope=scope, key_digest=key_digest, window_start=now)
    except IntegrityError:
        pass  # created by a concurrent attempt: take theirs
    return Throttle.objects.select_for_update().get(scope=scope, key_digest=key_digest)


def locked_until(scope: str, key: str, *, now: datetime | None = None) -> datetime | None:
    """The end of the current lock, or None; a lock found expired is ended (and audited)."""
    now = now or timezone.now()
    found = Throttle.objects.filter(scope=scope, key_digest=digest(scope, key)).first()
    if found is None or found.locked_until is None:
        return None
    if found.locked_until > now:
        return found.locked_until
    with transaction.atomic():
        _end_lock(_row(scope, key, now), how="expired", now=now)
    return None


@transaction.atomic
def hit(scope: str, key: str, *, now: datetime | None = None) -> datetime | None:
    """Count one attempt; returns the end of the lock when this attempt locks (or already
    locked), else None."""
    now = now or timezone.now()
    limits = _limits(scope)
    row = _row(scope, key, now)
    if row.locked_until is not None:
        if row.locked_until > now:
            return row.locked_until
        _end_lock(row, how="expired", now=now)
    if now - row.window_start > timedelta(seconds=limits["window"]):
        row.window_start, row.count = now, 0
    row.count += 1
    if row.count >= limits["limit"]:
        row.locked_until = now + timedelta(seconds=limits["lock"])
        row.save()
        record_event(
            "security.locked",
            row,
            payload={
                "scope": scope,
                "attempts": row.count,
                "locked_until": row.locked_until.isoformat(),
            },
        )
        return row.locked_until
    row.save()
    return None


def clear(scope: str, key: str) -> None:
    """A success: the counter starts again (a lock in force stays)."""
    Throttle.objects.filter(
        scope=scope, key_digest=digest(scope, key), locked_until__isnull=True
    ).update(count=0)


def _end_lock(row: Throttle, *, how: str, now: datetime, actor=None) -> None:
    ended = row.locked_until
    row.locked_until, row.count, row.window_start = None, 0, now
    row.save()
    record_event(
        "security.unlocked",
        row,
        actor=actor,
        payload={"scope": row.scope, "how": how, "locked_until": ended.isoformat()},
    )


def expire_locks(*, now: datetime | None = None) -> int:
    """End every lock whose time is over (daily maintenance): each end is audited."""
    now = now or timezone.now()
    ended = 0
    for pk in Throttle.objects.filter(locked_until__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            row = Throttle.objects.select_for_update().get(pk=pk)
            if row.locked_until is not None and row.locked_until <= now:
                _end_lock(row, how="expired", now=now)
                ended += 1
    return ended


@transaction.atomic
def unlock(row: Throttle, *, actor) -> None:
    """An administrator lifts a lock before its end (audited with their name)."""
    row = Throttle.objects.select_for_update().get(pk=row.pk)
    if row.locked_until is not None:
        _end_lock(row, how="administrator", now=timezone.now(), actor=actor)


def locked_message(until: datetime) -> str:
    return LOCKED_MESSAGE.format(until=f"{timezone.localtime(until):%H:%M}")
