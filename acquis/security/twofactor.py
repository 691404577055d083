"""Two-factor authentication: TOTP (django-otp) and single-use recovery codes.

Mandatory for the certifier's staff (administrators, exam managers, Django superusers and
staff) and for every member of a certification jury (they sign PVs); optional for the
others, who may enrol from « Mon compte ». A person who must have it and has not enrolled is
sent to the enrolment page at login (`middleware.TwoFactorMiddleware`); a person enrolled
gives a code after their password. Recovery codes (10, shown once) replace a lost phone,
each once. An administrator can reset someone's factor (they enrol again at their next
login). Every change is an audit event (`security.2fa_*`).
"""

import io
from base64 import b32encode
from dataclasses import dataclass
from urllib.parse import quote

import segno
from django.conf import settings
from django.db import transaction
from django.db.models import Exists
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from acquis.audit.services import record_event
from acquis.errors import AcquisError
from acquis.juries.models import JuryMember
from acquis.organisations.enums import CERTIFIER_STAFF_ROLES, OrganisationKind
from acquis.organisations.models import Membership, User
from acquis.security import throttle

RECOVERY_CODES = 10
TOTP_NAME = "Application d'authentification"
RECOVERY_NAME = "Codes de secours"


class TwoFactorError(AcquisError):
    """A second factor refused (French message)."""


def _required_condition(user):
    staff = Membership.objects.filter(
        user=user,
        role__in=CERTIFIER_STAFF_ROLES,
        organisation__kind=OrganisationKind.CERTIFIER,
    )
    return Exists(staff) | Exists(JuryMember.objects.filter(user=user))


def requires_two_factor(user) -> bool:
    """Certifier staff, Django staff and certification jury members must use a second factor."""
    return status(user)[1]


def status(user) -> tuple[bool, bool]:
    """(enrolled, required) in one query: the middleware asks on every unverified request."""
    if not user.is_authenticated:
        return False, False
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            enrolled=Exists(TOTPDevice.objects.filter(user=user, confirmed=True)),
            required=_required_condition(user),
        )
        .values_list("enrolled", "required")
        .first()
    )
    if row is None:
        return False, False
    enrolled, required = row
    return bool(enrolled), bool(required or user.is_superuser or user.is_staff)


def totp_device(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- enrolment -----------------------------------------------------------------------------


@transaction.atomic
def start_enrolment(user) -> TOTPDevice:
    """A new, unconfirmed TOTP secret for this user (a previous unconfirmed one is dropped)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


@transaction.atomic
def confirm_enrolment(user, code: str) -> list[str]:
    """The first code proves the application holds the secret: the device is confirmed and
    the recovery codes are drawn (returned once, to show)."""
    device = totp_device(user, confirmed=False)
    if device is None:
        raise TwoFactorError("Aucune activation en cours : recommencez depuis le début.")
    if not device.verify_token(_digits(code)):
        raise TwoFactorError(
            "Code incorrect : saisissez les 6 chiffres affichés par votre application "
            "(l'heure du téléphone doit être juste).",
            field="code",
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    record_event("security.2fa_enrolled", user, actor=user, payload={"method": "totp"})
    return codes


@transaction.atomic
def enrol_with_key(user, key_hex: str, *, name: str = TOTP_NAME) -> TOTPDevice:
    """Enrol with a given secret (demo accounts, whose secret is printed): audited."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=name, key=key_hex, confirmed=True)
    record_event("security.2fa_enrolled", user, payload={"method": "totp", "name": name})
    return device


def current_code(key_hex: str) -> str:
    """The code an authenticator shows now for this secret (the demo's `--code`)."""
    return f"{TOTP(bytes.fromhex(key_hex)).token():06d}"


def base32_secret(key_hex: str) -> str:
    return b32encode(bytes.fromhex(key_hex)).decode("ascii").rstrip("=")


@transaction.atomic
def regenerate_recovery_codes(user) -> list[str]:
    if not is_enrolled(user):
        raise TwoFactorError("Activez d'abord la double authentification.")
    codes = _new_recovery_codes(user)
    record_event("security.2fa_recovery_codes_renewed", user, actor=user)
    return codes


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def disable(user) -> None:
    """The person turns their optional second factor off (refused when it is mandatory)."""
    if requires_two_factor(user):
        raise TwoFactorError(
            "La double authentification est obligatoire pour votre rôle : elle ne peut pas "
            "être désactivée."
        )
    _delete_devices(user)
    record_event("security.2fa_disabled", user, actor=user)


@transaction.atomic
def reset(user, *, actor) -> None:
    """An administrator resets a person's factor (lost phone and codes): they enrol again."""
    _delete_devices(user)
    record_event("security.2fa_reset", user, actor=actor)


def _delete_devices(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


# --- verification --------------------------------------------------------------------------


def verify(user, code: str, *, purpose: str = "login"):
    """The device a code proves (TOTP, else a recovery code, used up), or TwoFactorError.

    Failures count with the account's login attempts (`login.account`): one budget of
    guesses per account, whatever the form.
    """
    until = throttle.locked_until("login.account", user.email)
    if until is not None:
        raise TwoFactorError(throttle.locked_message(until), field="code")
    code = (code or "").strip()
    device = totp_device(user)
    # Six digits: the application's code; anything else: a recovery code (each device
    # counts its own failures, so a code is tried on one device only).
    is_totp = _digits(code).isdigit() and len(_digits(code)) == device_digits(device)
    if device is not None and is_totp and device.verify_token(_digits(code)):
        throttle.clear("login.account", user.email)
        return device
    recovery = None if is_totp else StaticDevice.objects.filter(user=user).first()
    if recovery is not None and recovery.verify_token(code.replace(" ", "").lower()):
        throttle.clear("login.account", user.email)
        record_event(
            "security.2fa_recovery_code_used",
            user,
            actor=user,
            payload={"purpose": purpose, "left": recovery_codes_left(user)},
        )
        return recovery
    record_event("security.2fa_failed", user, actor=user, payload={"purpose": purpose})
    until = throttle.hit("login.account", user.email)
    if until is not None:
        raise TwoFactorError(throttle.locked_message(until), field="code")
    raise TwoFactorError(
        "Code incorrect : saisissez le code à 6 chiffres de votre application, ou l'un de "
        "vos codes de secours.",
        field="code",
    )


def device_digits(device) -> int:
    return device.digits if device is not None else 6


def _digits(code: str) -> str:
    return "".join((code or "").split())


# --- showing the secret --------------------------------------------------------------------


@dataclass(frozen=True)
class Provisioning:
    uri: str
    secret: str  # base 32, grouped by 4 for typing by hand
    qr_svg: str


def provisioning(device: TOTPDevice, user) -> Provisioning:
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    issuer = settings.OTP_TOTP_ISSUER
    uri = (
        f"otpauth://totp/{quote(issuer)}:{quote(user.email)}?secret={secret}"
        f"&issuer={quote(issuer)}&digits={device.digits}&period={device.step}"
    )
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=5, xmldecl=False, svgns=True)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return Provisioning(uri=uri, secret=grouped, qr_svg=out.getvalue().decode("utf-8"))
