"""Bitstring Status List v1.0 (W3C): revocation of the installation's Open Badges.

One list per certifier (`StatusList`): every credential gets the next free index, taken under
a row lock (`select_for_update`) so that concurrent issues never share an index. The list is
published as a `BitstringStatusListCredential` (§2.2) signed like the badges: the bitstring
(at least 16 KiB, §3.1: 131,072 bits by default) is GZIP-compressed then base64url-encoded
without padding, with the multibase prefix "u" (§3.1 `encodedList`). Index 0 is the
left-most bit of the first byte (§3.2). A set bit means revoked.
"""

import base64
import gzip

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from acquis.credentials.models import IssuedCredential, StatusList
from acquis.errors import AcquisError
from acquis.site import public_url

PURPOSE = "revocation"


class StatusListError(AcquisError):
    """French message."""


def list_url(certifier) -> str:
    path = reverse("badge_status_list", args=[certifier.pk])
    return public_url(path)


def lock(certifier) -> StatusList:
    """The certifier's list, created if needed, locked until the transaction ends."""
    StatusList.objects.get_or_create(certifier=certifier)
    return StatusList.objects.select_for_update().get(certifier=certifier)


@transaction.atomic
def allocate_index(certifier) -> int:
    """The next free index of the certifier's list, under a row lock."""
    status_list = lock(certifier)
    index = status_list.next_index
    if index >= status_list.size:
        raise StatusListError(
            f"Liste de statuts pleine ({status_list.size} badges) pour {certifier} : "
            "agrandissez-la avant de délivrer d'autres badges."
        )
    status_list.next_index = index + 1
    status_list.save(update_fields=["next_index"])
    return index


def entry(certifier, index: int) -> dict:
    """The credentialStatus of a credential (§2.1 BitstringStatusListEntry)."""
    url = list_url(certifier)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def bitstring(status_list: StatusList) -> bytes:
    bits = bytearray(status_list.size // 8)
    revoked = IssuedCredential.objects.filter(
        certifier_id=status_list.certifier_id, revoked_at__isnull=False
    ).values_list("status_index", flat=True)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def encode(bits: bytes) -> str:
    compressed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise StatusListError("Liste de statuts illisible : préfixe multibase « u » attendu.")
    data = encoded[1:]
    try:
        return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    except (ValueError, OSError) as exc:
        raise StatusListError("Liste de statuts illisible (base64url + GZIP attendu).") from exc


def is_set(bits: bytes, index: int) -> bool:
    if index < 0 or index // 8 >= len(bits):
        raise StatusListError(f"Index {index} hors de la liste de statuts.")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(status_list: StatusList) -> dict:
    """The signed BitstringStatusListCredential of a certifier, built now."""
    from acquis.credentials import badges

    url = list_url(status_list.certifier)
    key = badges.signing_key()
    credential = {
        "@context": [badges.canonical.CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": badges.issuer_did(key),
        "validFrom": badges._iso(timezone.now()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode(bitstring(status_list)),
        },
    }
    return badges.sign(credential, key)


def is_revoked(credential: dict) -> bool | None:
    """Whether one of our credentials is revoked, read through our own published list;
    None when its list is not one of this installation's."""
    status = credential.get("credentialStatus") or {}
    url = str(status.get("statusListCredential", ""))
    status_list = next(
        (s for s in StatusList.objects.select_related("certifier") if list_url(s.certifier) == url),
        None,
    )
    if status_list is None:
        return None
    listed = status_list_credential(status_list)["credentialSubject"]["encodedList"]
    try:
        index = int(status.get("statusListIndex"))
    except (TypeError, ValueError) as exc:
        raise StatusListError("Index de statut illisible (statusListIndex).") from exc
    return is_set(decode(listed), index)
