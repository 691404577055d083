"""Public check of an Open Badges 3.0 credential a holder handed over (a JSON file).

What an employer needs to know, in French: is the signature valid (eddsa-rdfc-2022, the
issuer's did:key: `badges.verify`), is it revoked (for a badge of this installation, read in
its published Bitstring status list; for another issuer the status cannot be read offline
and the page says so), is it within its validity dates, and what it attests (achievement,
holder, issuer). Nothing is stored and nothing is fetched from the network.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime

from acquis.credentials import badge_images, badges, status_list
from acquis.dates import french_date
from acquis.errors import AcquisError

MAX_BYTES = 512 * 1024  # a badge is a few kilobytes; a larger file is not one


class BadgeFileError(AcquisError):
    """The file is not a readable credential (French message)."""


# A badge nests a few levels (credential > subject > achievement > criteria); far deeper is
# an attack on the parser or the canonicalisation (recursion), refused before either runs.
MAX_DEPTH = 32
TOO_DEEP = f"Badge : JSON trop imbriqué (plus de {MAX_DEPTH} niveaux) : ce n'est pas un badge."


def _depth(value) -> int:
    """Nesting depth, iteratively (a recursive walk would itself overflow)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if deepest > MAX_DEPTH:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def parse(data: bytes) -> dict:
    """The credential of a JSON file, or of a badge image (PNG or SVG) it is baked into."""
    if not data.strip():
        raise BadgeFileError("Badge : le fichier est vide. Choisissez le fichier JSON du badge.")
    if len(data) > MAX_BYTES:
        raise BadgeFileError(
            f"Badge : fichier trop volumineux ({len(data) // 1024} Kio, au plus "
            f"{MAX_BYTES // 1024} Kio). Un badge ne pèse que quelques kilo-octets."
        )
    if data.startswith(badge_images.PNG_SIGNATURE) or data.lstrip()[:5] in (b"<?xml", b"<svg "):
        try:
            data = badge_images.unbake(data)
        except badge_images.BakeryError as exc:
            raise BadgeFileError(f"Badge : {exc}") from exc
    try:
        credential = json.loads(data.decode("utf-8-sig"))
    except RecursionError as exc:
        raise BadgeFileError(TOO_DEEP) from exc
    except UnicodeDecodeError as exc:
        raise BadgeFileError("Badge : le fichier n'est pas un texte UTF-8 (JSON attendu).") from exc
    except json.JSONDecodeError as exc:
        raise BadgeFileError(
            f"Badge : JSON illisible (ligne {exc.lineno}, colonne {exc.colno})."
        ) from exc
    if not isinstance(credential, dict):
        raise BadgeFileError("Badge : le JSON doit être un objet (un justificatif vérifiable).")
    if _depth(credential) > MAX_DEPTH:
        raise BadgeFileError(TOO_DEEP)
    types = credential.get("type") or []
    if isinstance(types, str):
        types = [types]
    if "VerifiableCredential" not in types:
        raise BadgeFileError(
            "Badge : ce fichier n'est pas un justificatif vérifiable (type "
            "« VerifiableCredential » absent)."
        )
    return credential


@dataclass(frozen=True)
class BadgeCheck:
    signature_ok: bool
    signature: str  # the verifier's French sentence
    issuer_id: str
    issuer_name: str
    revoked: bool | None  # None: the status cannot be read here
    status_note: str
    warnings: list[str] = field(default_factory=list)
    unsupported: bool = False  # no proof this page can check: no verdict on the signature
    notes: list[str] = field(default_factory=list)
    email_match: bool | None = None  # the address given is the holder's (hashed in the badge)
    email_note: str = ""
    achievement: str = ""
    achievement_type: str = ""
    holder: str = ""
    valid_from: str = ""
    valid_until: str = ""

    @property
    def valid(self) -> bool:
        return self.signature_ok and self.revoked is not True and not self.warnings

    @property
    def verdict(self) -> str:
        if self.unsupported:
            return "Preuve non prise en charge : ce badge ne peut pas être vérifié ici"
        if not self.signature_ok:
            return "Badge non valide : signature refusée"
        if self.revoked:
            return "Badge révoqué par son émetteur"
        if self.warnings:
            return "Badge hors de sa période de validité"
        return "Badge valide"


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _day(value) -> str:
    """An XML Schema dateTime as a French date ("1er juin 2026"); as given if unreadable."""
    text = _text(value)
    try:
        return french_date(datetime.fromisoformat(text.replace("Z", "+00:00")).date())
    except ValueError:
        return text


def _described(credential: dict) -> dict:
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, dict) else {}
    identifiers = subject.get("identifier")
    holder = ""
    if isinstance(identifiers, list):
        names = [
            i.get("identityHash")
            for i in identifiers
            if isinstance(i, dict) and i.get("identityType") == "name" and not i.get("hashed")
        ]
        holder = _text(names[0]) if names else ""
    issuer = credential.get("issuer")
    issuer_name = _text(issuer.get("name")) if isinstance(issuer, dict) else ""
    return {
        "achievement": _text(achievement.get("name")) or _text(credential.get("name")),
        "achievement_type": _text(achievement.get("achievementType")),
        "holder": holder,
        "issuer_name": issuer_name,
        "valid_from": _day(credential.get("validFrom")),
        "valid_until": _day(credential.get("validUntil")),
    }


def _status(credential: dict) -> tuple[bool | None, str]:
    if not credential.get("credentialStatus"):
        return None, "Ce badge ne déclare aucune liste de statuts : sa révocation ne peut être lue."
    try:
        revoked = status_list.is_revoked(credential)
    except (status_list.StatusListError, badges.BadgeError, TypeError, ValueError) as exc:
        return None, f"Statut illisible : {exc}"
    if revoked is None:
        return None, (
            "Émis par une autre installation : son statut (révocation) se lit sur la liste "
            "publiée par l'émetteur, que cette page ne consulte pas."
        )
    if revoked:
        return True, "La liste de statuts publiée par l'émetteur indique ce badge révoqué."
    return False, "La liste de statuts publiée par l'émetteur indique ce badge non révoqué."


def _email(credential: dict, email: str) -> tuple[bool | None, str]:
    """Match the address an employer knows against the holder's hashed one (OB 3.0
    IdentityObject emailAddress): the address itself is not in the badge."""
    if not email:
        return None, ""
    found = badges.matches_email(credential, email)
    if found is None:
        return None, "Ce badge ne porte pas d'adresse électronique de son titulaire."
    if found:
        return True, f"L'adresse {email.strip().lower()} est bien celle du titulaire du badge."
    return False, f"L'adresse {email.strip().lower()} n'est pas celle du titulaire du badge."


def check(credential: dict, *, email: str = "") -> BadgeCheck:
    described = _described(credential)
    email_match, email_note = _email(credential, email)
    try:
        result = badges.verify(credential)
    except (AttributeError, KeyError, TypeError, ValueError):
        result = badges.VerificationResult(False, "Justificatif illisible : structure inattendue.")
    revoked, note = _status(credential) if result.ok else (None, "")
    return BadgeCheck(
        signature_ok=result.ok,
        signature=result.reason,
        issuer_id=result.issuer,
        revoked=revoked,
        status_note=note,
        warnings=list(result.warnings),
        unsupported=result.unsupported,
        notes=list(result.notes),
        email_match=email_match,
        email_note=email_note,
        **described,
    )
