"""Second factor in tests: personas enrolled with a fixed TOTP key, and the current code.

`client.login()` / `force_login()` (patched in tests/conftest.py) mark the session verified
through django-otp's real session key when the user is enrolled or must be: tests that are
not about the second factor stay as they were. Tests about it log in through the form.
"""

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

# RFC 6238's test secret ("12345678901234567890"), hex as django-otp stores keys.
TEST_KEY = "3132333435363738393031323334353637383930"


def enrol(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", key=TEST_KEY, confirmed=True)
    return device


def code_for(user) -> str:
    """The current code of the user's device; its replay guard and its back-off after
    failures are reset first, so that a test may log in and sign within 30 seconds."""
    device = enrol(user)
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    return code_from_key(bytes.fromhex(device.key), device)


def code_from_key(key: bytes, device=None) -> str:
    totp = TOTP(key, step=30, t0=0, digits=6, drift=0)
    return f"{totp.token():06d}"
