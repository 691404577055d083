"""Bitstring Status List v1.0 (W3C): revocation of the installation's Open Badges.

One list per certifier and issuer identity (`StatusList`): a verifier requires the list to be
issued by the badge's own issuer (§3.2, validate algorithm step 10), so badges issued under
the did:key keep their list, signed with that did:key's key, after the installation moves to
its did:web, and the reverse. Every credential gets the next free index of its issuer's list,
taken under a row lock (`select_for_update`) so that concurrent issues never share an index.
The list is published at `/badges/statuts/<key>` as a `BitstringStatusListCredential` (§2.2)
signed like the badges: the bitstring (at least 16 KiB, §3.1: 131,072 bits by default) is
GZIP-compressed then base64url-encoded without padding, with the multibase prefix "u" (§3.1
`encodedList`). Index 0 is the left-most bit of the first byte (§3.2). A set bit means
revoked.
"""

import base64
import gzip
import hashlib

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from acquis.credentials import badge_keys, canonical
from acquis.credentials.models import IssuedCredential, StatusList
from acquis.errors import AcquisError
from acquis.site import public_url

PURPOSE = "revocation"


class StatusListError(AcquisError):
    """French message."""


def list_url(listed: StatusList) -> str:
    path = reverse("public:badge_status_list", args=[listed.key])
    return public_url(path)


def list_key(certifier, issuer: str) -> str:
    """The URL key of a new list: the certifier and a digest of the issuer (stable, short)."""
    return f"{certifier.pk}-{hashlib.sha256(issuer.encode()).hexdigest()[:12]}"


def _current_issuer(certifier) -> str:
    return badge_keys.issuer_did(certifier=certifier)


def lock(certifier, issuer: str | None = None) -> StatusList:
    """The list of the certifier and issuer (the certifier's current issuer by default),
    created if needed, locked until the transaction ends."""
    issuer = issuer or _current_issuer(certifier)
    found = StatusList.objects.filter(certifier=certifier, issuer=issuer)
    if not found.exists():
        try:
            with transaction.atomic():
                StatusList.objects.create(
                    certifier=certifier, issuer=issuer, key=list_key(certifier, issuer)
                )
        except IntegrityError:
            pass  # created meanwhile by a concurrent issue
    return found.select_for_update().get()


@transaction.atomic
def allocate_index(listed: StatusList) -> int:
    """The next free index of a list, under a row lock."""
    listed = StatusList.objects.select_for_update().get(pk=listed.pk)
    index = listed.next_index
    if index >= listed.size:
        raise StatusListError(
            f"Liste de statuts pleine ({listed.size} badges) pour {listed.certifier} : "
            "agrandissez-la avant de délivrer d'autres badges."
        )
    listed.next_index = index + 1
    listed.save(update_fields=["next_index"])
    return index


def entry(listed: StatusList, index: int) -> dict:
    """The credentialStatus of a credential (§2.1 BitstringStatusListEntry)."""
    url = list_url(listed)
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
        status_list=status_list, revoked_at__isnull=False
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
    """The signed BitstringStatusListCredential of a list, built now, issued by the list's
    own issuer with that issuer's key."""
    url = list_url(status_list)
    key = badge_keys.key_for_issuer(status_list.issuer, status_list.certifier)
    credential = {
        "@context": [canonical.CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": status_list.issuer,
        "validFrom": badge_keys.utc_iso(timezone.now()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode(bitstring(status_list)),
        },
    }
    return badge_keys.sign(credential, key)


def published(url: str) -> StatusList | None:
    """The installation's list published at `url`, if any."""
    key = url.rstrip("/").rsplit("/", 1)[-1]
    listed = StatusList.objects.filter(key=key).first()
    return listed if listed is not None and list_url(listed) == url else None


def is_revoked(credential: dict) -> bool | None:
    """Whether one of our credentials is revoked, read through our own published list;
    None when its list is not one of this installation's."""
    status = credential.get("credentialStatus") or {}
    status_list = published(str(status.get("statusListCredential", "")))
    if status_list is None:
        return None
    listed = status_list_credential(status_list)["credentialSubject"]["encodedList"]
    try:
        index = int(status.get("statusListIndex"))
    except (TypeError, ValueError) as exc:
        raise StatusListError("Index de statut illisible (statusListIndex).") from exc
    return is_set(decode(listed), index)
