"""Open Badges 3.0 credentials: build from a decision, sign, verify (eddsa-rdfc-2022).

- Proofs: W3C Data Integrity `DataIntegrityProof`, cryptosuite `eddsa-rdfc-2022` (Data
  Integrity EdDSA Cryptosuites v1.0 §3.3): SHA-256 of the canonical proof configuration, then
  of the canonical document, Ed25519 over both; `proofValue` is base58btc multibase (`z…`).
  `proof` is written as an array (the 1EdTech JSON Schema of this build requires it).
- Issuer: by default the **did:key** of the installation's Ed25519 key (`did:key:z6Mk…`),
  which resolves offline (as in the 1EdTech conformance fixtures); or, with
  `ACQUIS_BADGE_ISSUER_METHOD=did:web`, the **did:web** of the installation (from SITE_URL,
  e.g. `did:web:acquis.ops-conseil.fr`), whose DID document (Multikey) is published at
  `/.well-known/did.json`: a domain-bound identity whose key can be replaced. Either is
  embedded as an OB 3.0 `Profile` carrying the certifier's name; the certifier's Profile is
  also published at `/badges/emetteurs/<id>` (badge_views). Badges issued with the did:key
  keep verifying after a switch to did:web (a did:key resolves by itself). A certifier with
  its own key file (certifier_keys.py, `acquis credentials keygen --certifier`) is its own
  issuer instead: the did:key of its key, for its badges, its Profile and its status list.
- Credentials (OB 3.0 §B.1.1 AchievementCredential): one for the title (when the decision
  awards it),
  one per block held from the decision (ledger rows, `HeldBlock`). `achievementType`
  "Certification" for an RNCP/RS title and "Competency" for a block of competences (OB 3.0
  AchievementType vocabulary). RNCP alignment only when the registry number is known.
- Holder: `credentialSubject.identifier` (OB 3.0 §B.1.5 IdentityObject): the holder's name,
  unhashed (first name and name of use, read by a person), and their e-mail address, salted
  and hashed (`identityHash` "sha256$" + hex SHA-256 of the lowercased address followed by
  the salt, `salt` beside it): a relying party who knows the address can match the holder,
  no one else can read it.
- Image: `achievement.image` (OB 3.0 §B.1.9 Image), the public design of the achievement
  (`/badges/images/<version>/<titre|block code>.svg`); the holder downloads it as PNG or SVG
  with their credential baked in (badge_images.py).
- No `validUntil`: a validated block, like the title, is acquired for good (French law).
  Badges issued earlier with a `validUntil` are replaced by `reissue` (command
  `acquis credentials reissue`).
- Revocation: `credentialStatus` BitstringStatusListEntry (status_list.py).
"""

import base64
import copy
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time

import base58
from cryptography.exceptions import InvalidSignature
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from acquis.audit.services import record_event
from acquis.credentials import canonical, status_list
from acquis.credentials.badge_keys import (
    CRYPTOSUITE as CRYPTOSUITE,
)

# Keys, DIDs and proofs live in badge_keys (below status_list); re-exported for callers.
from acquis.credentials.badge_keys import (
    BadgeError as BadgeError,
)
from acquis.credentials.badge_keys import (
    _hash_data as _hash_data,
)
from acquis.credentials.badge_keys import (
    did_document as did_document,
)
from acquis.credentials.badge_keys import (
    did_key as did_key,
)
from acquis.credentials.badge_keys import (
    did_web as did_web,
)
from acquis.credentials.badge_keys import (
    did_web_document_path as did_web_document_path,
)
from acquis.credentials.badge_keys import (
    generate_key as generate_key,
)
from acquis.credentials.badge_keys import (
    issuer_did as issuer_did,
)
from acquis.credentials.badge_keys import (
    issuer_id as issuer_id,
)
from acquis.credentials.badge_keys import (
    key_for_issuer as key_for_issuer,
)
from acquis.credentials.badge_keys import (
    key_from_multibase as key_from_multibase,
)
from acquis.credentials.badge_keys import (
    key_to_multibase as key_to_multibase,
)
from acquis.credentials.badge_keys import (
    own_key as own_key,
)
from acquis.credentials.badge_keys import (
    public_key_for as public_key_for,
)
from acquis.credentials.badge_keys import (
    public_key_from_did as public_key_from_did,
)
from acquis.credentials.badge_keys import (
    public_multibase as public_multibase,
)
from acquis.credentials.badge_keys import (
    retired_keys as retired_keys,
)
from acquis.credentials.badge_keys import (
    sign as sign,
)
from acquis.credentials.badge_keys import (
    signing_key as signing_key,
)
from acquis.credentials.badge_keys import (
    uses_did_web as uses_did_web,
)
from acquis.credentials.badge_keys import (
    utc_iso as utc_iso,
)
from acquis.credentials.badge_keys import (
    verification_method as verification_method,
)
from acquis.credentials.models import IssuedCredential
from acquis.juries.models import Decision
from acquis.site import public_url

CONTEXT = [canonical.CREDENTIALS_V2, canonical.OB_V3P0]
# Namespace of the stable achievement ids (urn:uuid, version 5).
ACHIEVEMENT_NS = uuid.UUID("6f1c3a52-3a5e-4f0e-9d7a-8a1b5c2e7d40")


@dataclass
class VerificationResult:
    ok: bool
    reason: str = ""
    issuer: str = ""
    warnings: list[str] = field(default_factory=list)
    # Nothing could be checked here (no proof of a suite we verify, or a JSON-LD context
    # not held offline): not a verdict on the credential.
    unsupported: bool = False
    notes: list[str] = field(default_factory=list)  # proofs of a set left unchecked

    def __bool__(self) -> bool:
        return self.ok


def verify(credential: dict) -> VerificationResult:
    """Check the DataIntegrityProof of a credential; the reason says why it fails (French)."""
    try:
        return _verify(credential)
    except canonical.UnknownContextError as exc:
        return VerificationResult(False, f"Preuve non vérifiable ici : {exc}", unsupported=True)
    except (BadgeError, canonical.CanonicalisationError) as exc:
        return VerificationResult(False, str(exc))


def _suite(proof) -> str:
    if not isinstance(proof, dict):
        return "preuve illisible"
    return f"{proof.get('type')} {proof.get('cryptosuite') or ''}".strip()


def _verify(credential: dict) -> VerificationResult:
    """A proof set (VC Data Integrity §2.1.2: several proofs over the same document, each
    computed without the `proof` property) is valid when every proof of the suite we verify
    is; a proof of another suite (e.g. the older Ed25519Signature2020 beside it) is named as
    not checked, and does not make the credential invalid."""
    document = copy.deepcopy(credential)
    proofs = document.pop("proof", None)
    if isinstance(proofs, dict):
        proofs = [proofs]
    if not proofs or not isinstance(proofs, list):
        return VerificationResult(False, "Le justificatif n'a pas de preuve (proof).")
    ours = [
        p
        for p in proofs
        if isinstance(p, dict)
        and p.get("type") == "DataIntegrityProof"
        and p.get("cryptosuite") == CRYPTOSUITE
    ]
    others = [_suite(p) for p in proofs if not any(p is mine for mine in ours)]
    if not ours:
        return VerificationResult(
            False,
            f"Preuve non prise en charge : {', '.join(others)} (seule DataIntegrityProof "
            f"{CRYPTOSUITE} est vérifiée ici).",
            unsupported=True,
        )
    issuer = issuer_id(document)
    for proof in ours:
        failure = _check_proof(document, dict(proof), issuer)
        if failure is not None:
            return failure
    notes = [
        f"Preuve non prise en charge, non vérifiée : {suite} (la preuve {CRYPTOSUITE} "
        "suffit à établir la signature)."
        for suite in others
    ]
    return VerificationResult(
        True, "Signature valide.", issuer, _date_warnings(document), notes=notes
    )


def _check_proof(document: dict, proof: dict, issuer: str) -> VerificationResult | None:
    """None when this eddsa-rdfc-2022 proof verifies; otherwise why not."""
    if proof.get("proofPurpose") != "assertionMethod":
        return VerificationResult(False, "La preuve n'est pas une assertion (proofPurpose).")
    method = str(proof.get("verificationMethod", ""))
    did = method.partition("#")[0]
    if did != issuer:
        return VerificationResult(
            False, f"La clé de la preuve ({did}) n'est pas celle de l'émetteur ({issuer})."
        )
    public_key = public_key_for(method)
    value = str(proof.pop("proofValue", ""))
    try:
        signature = base58.b58decode(value[1:]) if value.startswith("z") else b""
    except ValueError:
        signature = b""
    if len(signature) != 64:
        return VerificationResult(False, "Signature illisible (proofValue base58btc attendu).")
    try:
        public_key.verify(signature, _hash_data(document, proof))
    except InvalidSignature:
        return VerificationResult(
            False, "Signature invalide : le justificatif a été modifié ou mal signé.", issuer
        )
    return None


def _date_warnings(document: dict) -> list[str]:
    now = utc_iso(timezone.now())
    warnings = []
    until = document.get("validUntil")
    if until and _utc(until) < now:
        warnings.append(f"Justificatif expiré depuis le {until}.")
    since = document.get("validFrom")
    if since and _utc(since) > now:
        warnings.append(f"Justificatif valable seulement à partir du {since}.")
    return warnings


def _utc(value: str) -> str:
    try:
        return utc_iso(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return value


def _local_iso(day, at: time = time.min) -> str:
    """A date as an XML Schema dateTime with the Paris offset (OB 3.0 validFrom/validUntil)."""
    moment = timezone.make_aware(datetime.combine(day, at))
    return moment.isoformat()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


# --- credentials from decisions -------------------------------------------------------------

TITLE_TYPE = "Certification"  # OB 3.0 AchievementType: a professional certification title
BLOCK_TYPE = "Competency"  # OB 3.0 AchievementType: a block of competences
REGISTRY_NAMES = {
    "RNCP": "Répertoire national des certifications professionnelles (RNCP)",
    "RS": "Répertoire spécifique (RS)",
}


def issuer_profile(certifier, did: str | None = None) -> dict:
    """The OB 3.0 Profile of a certifier, identified by its issuer id (issuer_did: its own
    did:key, else the installation's)."""
    url = public_url(reverse("public:badge_issuer_profile", args=[certifier.pk]))
    did = did or issuer_did(certifier=certifier)
    return {"id": did, "type": ["Profile"], "name": certifier.name, "url": url}


def holder_name(candidate) -> str:
    """The holder as every screen and document names her (acquis.candidates.names)."""
    return candidate.full_name


def holder_email(candidate) -> str:
    email = candidate.email or (candidate.user.email if candidate.user_id else "")
    return (email or "").strip().lower()


def email_hash(email: str, salt: str) -> str:
    """OB 3.0 IdentityObject.identityHash of an e-mail address: "sha256$" + hex digest of the
    normalised address followed by the salt."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def holder_identifiers(candidate) -> list[dict]:
    identifiers = [
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": holder_name(candidate),
        }
    ]
    email = holder_email(candidate)
    if email:
        salt = secrets.token_hex(16)
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": True,
                "identityHash": email_hash(email, salt),
                "salt": salt,
            }
        )
    return identifiers


def matches_email(credential: dict, email: str) -> bool | None:
    """Whether `email` is the holder's hashed address; None when the badge has none."""
    subject = credential.get("credentialSubject")
    identifiers = subject.get("identifier") if isinstance(subject, dict) else None
    hashed = [
        i
        for i in identifiers or []
        if isinstance(i, dict) and i.get("identityType") == "emailAddress" and i.get("hashed")
    ]
    if not hashed:
        return None
    return any(
        hmac.compare_digest(
            str(i.get("identityHash", "")), email_hash(email, str(i.get("salt", "")))
        )
        for i in hashed
    )


def achievement_image(version, block) -> dict:
    """OB 3.0 Image of an achievement: the public design of the title or of a block."""
    part = block.code if block is not None else "titre"
    url = public_url(reverse("public:badge_achievement_image", args=[version.pk, part]))
    what = f"du bloc {block.code}" if block is not None else "de la certification"
    return {"id": url, "type": "Image", "caption": f"Badge {what} « {version.title} »"}


def _registry(version) -> tuple[str, str, str] | None:
    """(code "RNCP36612", public URL, framework) when the registry number is known."""
    number = "".join(ch for ch in (version.registry_number or "") if ch.isdigit())
    kind = (version.registry_kind or "RNCP").upper()
    if not number or kind not in REGISTRY_NAMES:
        return None
    url = f"https://www.francecompetences.fr/recherche/{kind.lower()}/{number}/"
    return f"{kind}{number}", url, REGISTRY_NAMES[kind]


def _achievement_id(*parts) -> str:
    return f"urn:uuid:{uuid.uuid5(ACHIEVEMENT_NS, '/'.join(str(p) for p in parts))}"


def title_achievement(version) -> dict:
    level = (version.level or "").upper().removeprefix("NIV")
    description = f"Certification professionnelle « {version.title} » ({version.certifier_name})."
    if level:
        description += f" Niveau {level} du cadre national des certifications professionnelles."
    achievement = {
        "id": _achievement_id(version.certification.code, version.number),
        "type": ["Achievement"],
        "achievementType": TITLE_TYPE,
        "name": version.title,
        "description": description,
        "criteria": {
            "narrative": "Délivrée par décision du jury de certification, au vu de la "
            "validation de tous les blocs de compétences exigés par le référentiel."
        },
        "inLanguage": "fr",
    }
    registry = _registry(version)
    if registry:
        code, url, framework = registry
        achievement["humanCode"] = code
        achievement["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": version.title,
                "targetUrl": url,
                "targetCode": code,
                "targetFramework": framework,
            }
        ]
    return achievement


def block_achievement(version, block) -> dict:
    achievement = {
        "id": _achievement_id(version.certification.code, version.number, block.code),
        "type": ["Achievement"],
        "achievementType": BLOCK_TYPE,
        "name": block.title,
        "description": f"Bloc de compétences {block.code} de la certification "
        f"« {version.title} » ({version.certifier_name}).",
        "criteria": {
            "narrative": "Validé par décision du jury de certification, au vu de "
            "l'évaluation de chacune des compétences du bloc."
        },
        "inLanguage": "fr",
    }
    registry = _registry(version)
    if registry and block.registry_code:
        _, url, framework = registry
        achievement["humanCode"] = block.registry_code
        achievement["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": block.title,
                "targetUrl": url,
                "targetCode": block.registry_code,
                "targetFramework": framework,
            }
        ]
    return achievement


def build_credential(decision, achievement, *, issuer, status, credential_id):
    """An unsigned AchievementCredential (OB 3.0 §B.1.1) for the decision's holder."""
    deliberation = decision.deliberation
    awarded = _local_iso(deliberation.date)
    credential = {
        "@context": list(CONTEXT),
        "id": credential_id,
        "type": ["VerifiableCredential", "AchievementCredential"],
        "issuer": issuer,
        "validFrom": awarded,
        "awardedDate": awarded,
        "name": achievement["name"],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": holder_identifiers(decision.candidacy.candidate),
            "achievement": achievement,
        },
        "credentialStatus": status,
    }
    return credential


def _decision(decision):
    return Decision.objects.select_related(
        "deliberation__certifier",
        "deliberation__version__certification",
        "candidacy__candidate__user",
    ).get(pk=decision.pk)


def _awards(decision) -> list[tuple]:
    """(block or None, achievement) of what the decision awards."""
    version = decision.deliberation.version
    awards = []
    if decision.title_awarded:
        awards.append((None, title_achievement(version)))
    held = decision.held_blocks.filter(revoked_by__isnull=True).select_related("block")
    for row in held.order_by("block__position"):
        awards.append((row.block, block_achievement(version, row.block)))
    return awards


def _issue_one(decision, block, achievement, *, certifier, issuer, key, listed) -> IssuedCredential:
    """Sign and store one badge, its status entry in the issuer's own list (`listed`, locked
    by the caller)."""
    index = status_list.allocate_index(listed)
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    achievement = achievement | {"image": achievement_image(decision.deliberation.version, block)}
    document = build_credential(
        decision,
        achievement,
        issuer=issuer,
        status=status_list.entry(listed, index),
        credential_id=credential_id,
    )
    return IssuedCredential.objects.create(
        certifier=certifier,
        decision=decision,
        block=block,
        credential_id=credential_id,
        status_list=listed,
        status_index=index,
        document=sign(document, key),
        issued_at=timezone.now(),
    )


@transaction.atomic
def issue_for_decision(decision, *, actor) -> list[IssuedCredential]:
    """Sign and store the badges of a signed decision (title, held blocks); idempotent."""
    decision = _decision(decision)
    if not decision.frozen:
        raise BadgeError(
            "Badges : seule une décision figée (procès-verbal signé) peut en délivrer."
        )
    if decision.corrections.filter(frozen=True).exists():
        return []  # superseded by a signed correction: the correction issues its own
    certifier = decision.deliberation.certifier
    key = signing_key(certifier)
    issuer = issuer_profile(certifier, issuer_did(key, certifier=certifier))
    # The issuer's own list, locked: serialises issues per certifier and issuer, so a retry
    # never issues twice.
    listed = status_list.lock(certifier, issuer["id"])
    # Any badge of a block, even revoked, means it was issued: a revoked badge is replaced
    # by `reissue` only, never by a second issuing run.
    existing: dict = {}
    for issued in decision.credentials.order_by("pk"):
        if existing.get(issued.block_id) is None or issued.revoked_at is None:
            existing[issued.block_id] = issued  # the live one when there is one
    result, created = [], []
    for block, achievement in _awards(decision):
        block_id = block.pk if block else None
        if block_id in existing:
            result.append(existing[block_id])
            continue
        issued = _issue_one(
            decision, block, achievement, certifier=certifier, issuer=issuer, key=key, listed=listed
        )
        result.append(issued)
        created.append(issued)
    if created:
        record_event(
            "badges.issued",
            decision,
            actor=actor,
            payload={
                "credentials": [c.credential_id for c in created],
                "blocks": [c.block.code if c.block else None for c in created],
            },
        )
    return result


def has_old_wording(credential: IssuedCredential) -> bool:
    """Issued with a validity date: a block is acquired for good, so it is replaced."""
    return "validUntil" in (credential.document or {})


@transaction.atomic
def reissue(credential: IssuedCredential, *, reason: str, actor) -> IssuedCredential:
    """Revoke a badge and issue its replacement from the same decision in force (a new
    identifier and status index), in one transaction, audited."""
    credential = IssuedCredential.objects.select_for_update().get(pk=credential.pk)
    if credential.revoked_at is not None:
        raise BadgeError(
            f"Le badge {credential.credential_id} est déjà révoqué : il ne peut plus être remplacé."
        )
    decision = _decision(credential.decision)
    if decision.corrections.filter(frozen=True).exists():
        raise BadgeError(
            "Cette décision a été corrigée : ses badges ne peuvent plus être délivrés à nouveau."
        )
    awards = {
        (block.pk if block else None): achievement for block, achievement in _awards(decision)
    }
    if credential.block_id not in awards:
        raise BadgeError("Ce badge ne correspond plus à ce que la décision attribue.")
    revoke(credential, reason=reason, actor=actor)
    certifier = decision.deliberation.certifier
    key = signing_key(certifier)
    issuer = issuer_profile(certifier, issuer_did(key, certifier=certifier))
    replacement = _issue_one(
        decision,
        credential.block,
        awards[credential.block_id],
        certifier=certifier,
        issuer=issuer,
        key=key,
        listed=status_list.lock(certifier, issuer["id"]),
    )
    record_event(
        "badges.reissued",
        replacement,
        actor=actor,
        payload={
            "replaces": credential.credential_id,
            "credential": replacement.credential_id,
            "reason": reason.strip(),
        },
    )
    return replacement


@transaction.atomic
def revoke(credential: IssuedCredential, *, reason: str, actor) -> IssuedCredential:
    """Revoke a badge: its bit in the status list is set from now on (never deleted)."""
    reason = (reason or "").strip()
    if not reason:
        raise BadgeError("Révocation d'un badge : le motif est obligatoire.")
    credential = IssuedCredential.objects.select_for_update().get(pk=credential.pk)
    if credential.revoked_at is not None:
        raise BadgeError(f"Le badge {credential.credential_id} est déjà révoqué.")
    credential.revoked_at = timezone.now()
    credential.save(update_fields=["revoked_at"])
    record_event(
        "badges.revoked",
        credential,
        actor=actor,
        from_state="valid",
        to_state="revoked",
        payload={"reason": reason, "status_index": credential.status_index},
    )
    return credential


def for_candidate(candidate):
    """The holder's badges (portal download): the most recent decision first, its title
    before its blocks in the referential's order."""
    return (
        IssuedCredential.objects.filter(decision__candidacy__candidate=candidate)
        .select_related("block", "decision__deliberation__version")
        .order_by(
            "-decision__deliberation__date",
            "-decision_id",
            F("block__position").asc(nulls_first=True),
            "pk",
        )
    )
