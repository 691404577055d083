"""Logins in the audit trail: success, failure (and the lock, written by the throttle).

A failed login names no account that may not exist: the event's object is the account's
throttle counter (an HMAC of the address), or the user when the address is an account;
the IP address is kept only as the digest of the per-IP counter.
"""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from acquis.audit.services import record_event
from acquis.security import throttle
from acquis.security.models import Throttle
from acquis.security.network import client_ip


def _ip_digest(request) -> str:
    return throttle.digest("login.ip", client_ip(request))[:16] if request is not None else ""


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    if request is None or not getattr(request, "META", None):
        return  # the test client's login() and force_login(): not a login through a page
    record_event("security.login", user, actor=user, payload={"ip": _ip_digest(request)})


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None and request is not None and getattr(request, "META", None):
        record_event("security.logout", user, actor=user)


@receiver(user_login_failed)
def audit_login_failure(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    username = credentials.get("username") or credentials.get("email") or ""
    user = get_user_model().objects.filter(email__iexact=username).first()
    target = (
        user
        or Throttle.objects.filter(
            scope="login.account", key_digest=throttle.digest("login.account", username)
        ).first()
    )
    if target is None:
        return
    record_event(
        "security.login_failed",
        target,
        payload={
            "ip": _ip_digest(request),
            "locked": getattr(request, "acquis_login_locked", None) is not None,
        },
    )


@receiver(post_save, sender=LogEntry)
def audit_admin_action(sender, instance, created, **kwargs):
    """Every change made in Django's administration is also an audit event."""
    if not created:
        return
    record_event(
        "admin.action",
        instance,
        actor=instance.user,
        payload={
            "action": {ADDITION: "addition", CHANGE: "change", DELETION: "deletion"}.get(
                instance.action_flag, str(instance.action_flag)
            ),
            "content_type": instance.content_type.model if instance.content_type else "",
            "object_id": instance.object_id,
            "object_repr": instance.object_repr,
            "change": instance.get_change_message(),
        },
    )
