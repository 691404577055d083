"""Badge keys, DIDs and proofs: the Ed25519 keys of the installation and of certifiers, their
did:key / did:web identifiers, and the eddsa-rdfc-2022 `DataIntegrityProof` (sign).

Below the issuing of badges (badges.py) and the status lists (status_list.py), which both sign
with these keys: neither imports the other for them.
"""

import copy
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils import timezone

from acquis.credentials import canonical, certifier_keys
from acquis.errors import AcquisError
from acquis.organisations.certifier_settings import uses_environment

ED25519_PUB = b"\xed\x01"  # multicodec ed25519-pub (varint 0xed)
ED25519_PRIV = b"\x80\x26"  # multicodec ed25519-priv (varint 0x1300)
CRYPTOSUITE = "eddsa-rdfc-2022"


class BadgeError(AcquisError):
    """A badge that cannot be issued, signed or read (French message)."""


# --- keys -----------------------------------------------------------------------------------


def generate_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def key_to_multibase(key: Ed25519PrivateKey) -> str:
    """Multikey `secretKeyMultibase`: z + base58btc(0x8026 + 32-byte seed)."""
    seed = key.private_bytes_raw()
    return "z" + base58.b58encode(ED25519_PRIV + seed).decode("ascii")


def key_from_multibase(value: str) -> Ed25519PrivateKey:
    value = value.strip()
    try:
        raw = base58.b58decode(value[1:]) if value.startswith("z") else b""
    except ValueError:
        raw = b""
    if len(raw) != 34 or raw[:2] != ED25519_PRIV:
        raise BadgeError(
            "Clé de signature des badges illisible : attendu une clé Ed25519 multibase "
            "(« z3u2… », réglage ACQUIS_BADGE_KEY ou fichier ACQUIS_BADGE_KEY_FILE)."
        )
    return Ed25519PrivateKey.from_private_bytes(raw[2:])


def own_key(certifier) -> Ed25519PrivateKey | None:
    """The certifier's own badge key (its file, certifier_keys), None when it has none."""
    value = certifier_keys.own_badge_key_text(certifier)
    return key_from_multibase(value) if value is not None else None


def signing_key(certifier=None) -> Ed25519PrivateKey:
    """The certifier's own key when it has one, else the installation's: ACQUIS_BADGE_KEY
    (multibase), else ACQUIS_BADGE_KEY_FILE; the installation's only for the installation's
    first certifier (or no certifier): a second one never issues under the first's key."""
    own = own_key(certifier) if certifier is not None else None
    if own is not None:
        return own
    if certifier is not None and not uses_environment(certifier):
        raise BadgeError(
            f"{certifier.name} n'a pas sa propre clé de signature des badges "
            f"({certifier_keys.badge_key_file(certifier)}) : lancez « acquis credentials "
            f"keygen --certifier {certifier.pk} » ; la clé de l'installation est celle du "
            "premier certificateur."
        )
    value = settings.ACQUIS_BADGE_KEY
    if not value:
        path = settings.ACQUIS_BADGE_KEY_FILE
        if not path.is_file():
            raise BadgeError(
                f"Clé de signature des badges absente ({path}) : lancez "
                "« acquis credentials keygen » ou réglez ACQUIS_BADGE_KEY."
            )
        value = path.read_text(encoding="ascii")
    return key_from_multibase(value)


def retired_keys() -> list[Ed25519PrivateKey]:
    """Keys the installation signed badges with before its current one
    (ACQUIS_BADGE_RETIRED_KEYS): still needed to sign the status lists of those badges'
    issuers, never used for a new badge."""
    return [key_from_multibase(value) for value in settings.ACQUIS_BADGE_RETIRED_KEYS]


def key_for_issuer(did: str, certifier=None) -> Ed25519PrivateKey:
    """The key that speaks for an issuer identity of this installation: the did:key of the
    certifier's own key, current or retired, of the installation's current key or of a
    retired one, or the installation's did:web (its current key)."""
    if certifier is not None:
        own = [own_key(certifier)]
        own += [key_from_multibase(v) for v in certifier_keys.retired_badge_key_texts(certifier)]
        for key in own:
            if key is not None and did == did_key(key.public_key()):
                return key
    current = signing_key()
    if did.startswith("did:web:") and did == did_web():
        return current
    for key in (current, *retired_keys()):
        if did == did_key(key.public_key()):
            return key
    raise BadgeError(
        f"Aucune clé de cette installation ne correspond à l'émetteur {did} : ajoutez sa clé "
        "à ACQUIS_BADGE_RETIRED_KEYS pour publier sa liste de statuts."
    )


def did_key(public_key: Ed25519PublicKey) -> str:
    raw = ED25519_PUB + public_key.public_bytes_raw()
    return "did:key:z" + base58.b58encode(raw).decode("ascii")


def public_key_from_did(did: str) -> Ed25519PublicKey:
    """The Ed25519 key of a did:key (did:key method §3.1.2, multibase base58btc)."""
    if not did.startswith("did:key:z"):
        raise BadgeError(f"Méthode de vérification non prise en charge : {did} (did:key attendu).")
    try:
        raw = base58.b58decode(did[len("did:key:z") :])
    except ValueError as exc:
        raise BadgeError(f"did:key illisible : {did}.") from exc
    if len(raw) != 34 or raw[:2] != ED25519_PUB:
        raise BadgeError(f"did:key sans clé Ed25519 : {did}.")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def public_multibase(public_key: Ed25519PublicKey) -> str:
    """Multikey `publicKeyMultibase`: z + base58btc(0xed01 + 32-byte key)."""
    return "z" + base58.b58encode(ED25519_PUB + public_key.public_bytes_raw()).decode("ascii")


def did_web(site_url: str | None = None) -> str:
    """The did:web of this installation (did:web method §3.1.1): the host of SITE_URL, a
    port percent-encoded, each path segment after a colon."""
    parts = urlsplit(site_url or settings.SITE_URL)
    if not parts.hostname:
        raise BadgeError(f"did:web impossible : SITE_URL sans nom d'hôte ({site_url}).")
    host = parts.hostname + (f"%3A{parts.port}" if parts.port else "")
    path = [quote(segment, safe="") for segment in parts.path.split("/") if segment]
    return ":".join(["did:web", host, *path])


def did_web_document_path(did: str) -> str:
    """Where a did:web's DID document lives on its host (did:web §3.2 Read)."""
    segments = did.removeprefix("did:web:").split(":")[1:]
    return "/" + "/".join([*segments, "did.json"]) if segments else "/.well-known/did.json"


def uses_did_web() -> bool:
    return settings.ACQUIS_BADGE_ISSUER_METHOD == "did:web"


def issuer_did(key: Ed25519PrivateKey | None = None, *, certifier=None) -> str:
    """The issuer id of a certifier's badges: the did:key of its own key when it has one;
    else the installation's did:web when configured (ACQUIS_BADGE_ISSUER_METHOD), else the
    did:key of the installation's key."""
    own = own_key(certifier) if certifier is not None else None
    if own is not None:
        return did_key(own.public_key())
    key = key or signing_key()
    return did_web() if uses_did_web() else did_key(key.public_key())


def verification_method(did: str, public_key: Ed25519PublicKey) -> str:
    """The key's id in the issuer's DID document: the key's multibase as fragment (for a
    did:key, the did:key method's own form)."""
    return f"{did}#{public_multibase(public_key)}"


def did_document(key: Ed25519PrivateKey | None = None) -> dict:
    """The DID document of this installation's did:web (DID Core §5, Multikey): the current
    key first, then the retired ones, so that badges they signed keep verifying."""
    did = did_web()
    keys = [(key or signing_key()).public_key(), *(k.public_key() for k in retired_keys())]
    methods = [
        {
            "id": verification_method(did, public_key),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": public_multibase(public_key),
        }
        for public_key in keys
    ]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def public_key_for(method: str) -> Ed25519PublicKey:
    """The key behind a proof's verificationMethod, resolved offline: any did:key; a did:web
    only when it is this installation's own (no network here)."""
    did, _, fragment = method.partition("#")
    if did.startswith("did:key:"):
        public_key = public_key_from_did(did)
        if fragment and fragment != did.removeprefix("did:key:"):
            raise BadgeError("Méthode de vérification inconnue pour ce did:key.")
        return public_key
    if did.startswith("did:web:"):
        if not uses_did_web() or did != did_web():
            raise BadgeError(
                f"Émetteur {did} : un did:web d'une autre installation se résout en ligne, "
                "ce que ce vérificateur hors ligne ne fait pas."
            )
        for key in (signing_key(), *retired_keys()):
            if fragment == public_multibase(key.public_key()):
                return key.public_key()
        raise BadgeError(f"Clé {fragment or '(aucune)'} inconnue dans le document DID de {did}.")
    raise BadgeError(
        f"Méthode de vérification non prise en charge : {did} (did:key ou did:web attendu)."
    )


# --- proofs ---------------------------------------------------------------------------------


def _hash_data(document: dict, proof_config: dict) -> bytes:
    """eddsa-rdfc-2022 §3.3.4: hash(proof config) + hash(document), both canonical."""
    config = {"@context": document["@context"], **proof_config}
    return canonical.canonical_hash(config) + canonical.canonical_hash(document)


def sign(credential: dict, key: Ed25519PrivateKey, *, created: datetime | None = None) -> dict:
    """A copy of `credential` with a DataIntegrityProof (eddsa-rdfc-2022) by `key`."""
    document = copy.deepcopy(credential)
    document.pop("proof", None)
    issuer = str(issuer_id(document))
    did = issuer if issuer.startswith("did:") else did_key(key.public_key())
    proof = {
        "type": "DataIntegrityProof",
        "created": utc_iso(created or timezone.now()),
        "verificationMethod": verification_method(did, key.public_key()),
        "cryptosuite": CRYPTOSUITE,
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(_hash_data(document, proof))
    proof["proofValue"] = "z" + base58.b58encode(signature).decode("ascii")
    document["proof"] = [proof]
    return document


def issuer_id(document: dict) -> str:
    """The issuer's id of a credential, whether the issuer is a Profile or a bare id."""
    issuer = document.get("issuer")
    return str(issuer.get("id", "") if isinstance(issuer, dict) else issuer or "")


def utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
