"""Personal survey links: signed, single-purpose, expiring, revocable; no account needed.

A link carries `django.core.signing.dumps({"i": invitation, "n": nonce, "e": expiry})` with
a salt per purpose ("answer", "opt-out"): a token made for one purpose, or signed for any
other use of SECRET_KEY, fails the signature check for another. The nonce is a random value
stored on the invitation: clearing it (pseudonymisation) kills every link of the person. The
link expires at the end of the campaign's closing day (the `e` it carries, and the campaign
must still be open): answers can be changed with the same link until then.
"""

import secrets
from datetime import date

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from acquis.followup.exceptions import FollowupError
from acquis.followup.models import Invitation
from acquis.site import public_url

PURPOSES = ("answer", "opt-out")
INVALID = (
    "Ce lien d'enquête n'est pas valide : vérifiez qu'il a été copié en entier depuis le "
    "courriel reçu."
)
EXPIRED = "Ce lien d'enquête a expiré : l'enquête est close depuis le {}."
CLOSED = "Cette enquête est close : merci de votre intérêt, les réponses ne sont plus reçues."


def new_nonce() -> str:
    return secrets.token_hex(16)


def _salt(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    return f"acquis.followup.survey.{purpose}"


def make_token(invitation: Invitation, purpose: str = "answer") -> str:
    payload = {
        "i": invitation.pk,
        "n": invitation.nonce,
        "e": invitation.campaign.closes_on.isoformat(),
    }
    return signing.dumps(payload, salt=_salt(purpose))


def link(invitation: Invitation, purpose: str = "answer") -> str:
    name = "public:survey_answer" if purpose == "answer" else "public:survey_opt_out"
    return public_url(reverse(name, args=[make_token(invitation, purpose)]))


def invitation_for(token: str, purpose: str = "answer", *, now=None) -> Invitation:
    """The invitation a link designates, or FollowupError saying why it does not work."""
    now = now or timezone.now()
    try:
        payload = signing.loads(token, salt=_salt(purpose))
        pk, nonce, expiry = int(payload["i"]), str(payload["n"]), date.fromisoformat(payload["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise FollowupError(INVALID) from exc
    invitation = (
        Invitation.objects.select_related("campaign", "campaign__certification", "answer")
        .filter(pk=pk)
        .first()
    )
    if invitation is None or not invitation.nonce or invitation.nonce != nonce:
        raise FollowupError(INVALID)
    today = timezone.localdate(now)
    if today > expiry:
        raise FollowupError(EXPIRED.format(f"{expiry:%d/%m/%Y}"))
    if not invitation.campaign.is_open:
        raise FollowupError(CLOSED)
    return invitation
