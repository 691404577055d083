"""Confirm the identity of a logged-in person before a legal act (signing a PV): their
password again and, when they use one, their second factor.

Runs before (outside) the act's transaction: a refusal rolls the act back, never the count
of failed attempts nor their audit events.
"""

from acquis.audit.services import record_event
from acquis.security import throttle, twofactor
from acquis.security.twofactor import TwoFactorError

WRONG_PASSWORD = "Mot de passe incorrect : la signature n'est pas enregistrée."  # noqa: S105


def confirm_identity(user, *, password: str, code: str, purpose: str) -> None:
    until = throttle.locked_until("login.account", user.email)
    if until is not None:
        raise TwoFactorError(throttle.locked_message(until), field="password")
    if not password or not user.check_password(password):
        record_event("security.reauth_failed", user, actor=user, payload={"purpose": purpose})
        until = throttle.hit("login.account", user.email)
        message = throttle.locked_message(until) if until else WRONG_PASSWORD
        raise TwoFactorError(message, field="password")
    if twofactor.requires_two_factor(user) and not twofactor.is_enrolled(user):
        raise TwoFactorError(
            "Activez d'abord la double authentification (« Mon compte ») : elle est "
            "obligatoire pour signer.",
            field="code",
        )
    if twofactor.is_enrolled(user):
        twofactor.verify(user, code, purpose=purpose)
