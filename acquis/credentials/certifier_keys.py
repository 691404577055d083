"""Each certifier's own signing keys, as files, with the installation's as the fallback.

A certifier's keys live in its folder under `ACQUIS_CERTIFIER_KEYS_DIR`,
`certificateur-<id>/` (the id never changes, unlike a name or a SIRET):

- `pdf-signature-cle.pem` and `pdf-signature-certificat.pem`: the key and certificate its
  PDFs are signed with (PAdES), `pdf-signature-chaine.pem` the intermediate certificates of
  the chain when there are any;
- `badges-ed25519.key`: the Ed25519 key (multibase) its badges are signed with; its did:key
  is then the issuer of its badges. A replaced key is kept beside it
  (`badges-ed25519.retiree-<date>.key`) to sign the status lists of the badges it issued.

Nothing of a key is stored in the database. The installation's first certifier, without
its own files, signs with the installation's (`ACQUIS_PDF_SIGNING_KEY`/`_CERT`,
`ACQUIS_BADGE_KEY`/`_FILE`): a single-certifier installation keeps working from its
environment. Any other certifier signs only with its own: the environment's keys are the
first certifier's (their certificate names it), so a second certifier without its files
cannot sign (the error names the missing file and the command), never with the first's.
`acquis credentials_key --certifier` and `acquis credentials keygen --certifier` create them.
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify

from acquis.errors import AcquisError
from acquis.organisations.certifier_settings import uses_environment
from acquis.organisations.enums import OrganisationKind
from acquis.organisations.models import Organisation

PDF_KEY = "pdf-signature-cle.pem"
PDF_CERT = "pdf-signature-certificat.pem"
PDF_CHAIN = "pdf-signature-chaine.pem"
BADGE_KEY = "badges-ed25519.key"
RETIRED_BADGE_KEYS = "badges-ed25519.retiree-*.key"


@dataclass(frozen=True)
class PdfPair:
    key: Path
    cert: Path
    chain: tuple[Path, ...]
    own: bool  # the certifier's own pair (False: the installation's)


def folder(certifier) -> Path:
    return Path(settings.ACQUIS_CERTIFIER_KEYS_DIR) / f"certificateur-{certifier.pk}"


def pdf_pair(certifier=None) -> PdfPair:
    """The certifier's own key and certificate when its folder has them, else the
    installation's for the installation's first certifier only. One of the two alone is the
    certifier's, and so are both for any other certifier (signing then names the missing
    file): never a silent fallback to the installation's."""
    if certifier is not None:
        base = folder(certifier)
        key, cert, chain = base / PDF_KEY, base / PDF_CERT, base / PDF_CHAIN
        if key.is_file() or cert.is_file() or not uses_environment(certifier):
            return PdfPair(key, cert, (chain,) if chain.is_file() else (), own=True)
    return PdfPair(
        Path(settings.ACQUIS_PDF_SIGNING_KEY),
        Path(settings.ACQUIS_PDF_SIGNING_CERT),
        tuple(Path(p) for p in settings.ACQUIS_PDF_SIGNING_CHAIN),
        own=False,
    )


def badge_key_file(certifier) -> Path:
    return folder(certifier) / BADGE_KEY


def own_badge_key_text(certifier) -> str | None:
    """The certifier's own badge key (multibase text), None when it has none."""
    if certifier is None:
        return None
    path = badge_key_file(certifier)
    return path.read_text(encoding="ascii") if path.is_file() else None


def retired_badge_key_texts(certifier) -> list[str]:
    if certifier is None:
        return []
    return [
        path.read_text(encoding="ascii")
        for path in sorted(folder(certifier).glob(RETIRED_BADGE_KEYS))
    ]


def with_own_keys():
    """The certifiers whose key folder exists (they mean to sign with their own keys); no
    query when there is no such folder."""
    base = Path(settings.ACQUIS_CERTIFIER_KEYS_DIR)
    ids = []
    if base.is_dir():
        for path in base.glob("certificateur-*"):
            number = path.name.removeprefix("certificateur-")
            if path.is_dir() and number.isdigit():
                ids.append(int(number))
    if not ids:
        return []
    found = Organisation.objects.filter(kind=OrganisationKind.CERTIFIER, pk__in=ids)
    return list(found.order_by("pk"))


def find_certifier(text: str):
    """A certifier named on the command line by its SIRET, its id or its name's slug
    (« ops-conseil »); AcquisError (French) when none or several match."""
    text = (text or "").strip()
    certifiers = Organisation.objects.filter(kind=OrganisationKind.CERTIFIER).order_by("pk")
    found = []
    if text.isdigit():
        found = list(certifiers.filter(siret=text)) or list(certifiers.filter(pk=int(text)))
    if not found:
        found = [c for c in certifiers if slugify(c.name) == slugify(text)]
    if not found:
        raise AcquisError(
            f"Certificateur introuvable : « {text} » (SIRET, numéro ou nom, par exemple "
            "« ops-conseil »)."
        )
    if len(found) > 1:
        raise AcquisError(
            f"Plusieurs certificateurs répondent à « {text} » : donnez leur SIRET ou leur numéro."
        )
    return found[0]


def describe(certifier) -> list[str]:
    """What the certifier signs with, in French (for the administration): its own files or
    the installation's, never any key material."""
    pair = pdf_pair(certifier)
    if not pair.own:
        pdf = f"Signature des PDF : clé de l'installation (aucun fichier dans {folder(certifier)})"
    elif pair.key.is_file() and pair.cert.is_file():
        pdf = f"Signature des PDF : clé propre ({pair.cert})"
    else:
        pdf = (
            f"Signature des PDF : aucune clé propre ({folder(certifier)}) — impossible de "
            "signer : acquis credentials_key --certifier"
        )
    path = badge_key_file(certifier)
    if path.is_file():
        badges = f"Badges : clé propre ({path})"
    elif uses_environment(certifier):
        badges = f"Badges : clé de l'installation (aucun fichier {path})"
    else:
        badges = (
            f"Badges : aucune clé propre ({path}) — impossible d'émettre : "
            "acquis credentials keygen --certifier"
        )
    return [pdf, badges]
