"""RDFC-1.0 canonicalisation of JSON-LD credentials, offline.

`eddsa-rdfc-2022` (W3C Data Integrity EdDSA Cryptosuites v1.0, §3.3) signs the SHA-256 of the
RDFC-1.0 canonical N-Quads of the document and of the proof configuration. RDFC-1.0 is the
W3C standard of the URDNA2015 algorithm that pyld implements (same output).

The document loader serves only the contexts vendored in `contexts/` (see its README) and
refuses any other URL: a credential is never verified against a context fetched at run time,
and tests never touch the network.
"""

import hashlib
import json
from functools import cache
from pathlib import Path

from acquis.errors import AcquisError

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
CONTEXT_FILES = {
    CREDENTIALS_V2: "w3c_credentials_v2.jsonld",
    OB_V3P0: "ob_v3p0_context-3.0.3.json",
    ED25519_2020: "ed25519_signature_2020_v1.jsonld",
}


class CanonicalisationError(AcquisError):
    """A document that cannot be canonicalised offline (French message)."""


class UnknownContextError(CanonicalisationError):
    pass


@cache
def _context(url: str) -> dict:
    return json.loads((CONTEXTS_DIR / CONTEXT_FILES[url]).read_text(encoding="utf-8"))


def document_loader(url: str, options=None) -> dict:
    """pyld loader: the vendored contexts only, any other URL refused."""
    if url not in CONTEXT_FILES:
        raise UnknownContextError(
            f"Contexte JSON-LD « {url} » non disponible hors ligne : seuls "
            f"{', '.join(sorted(CONTEXT_FILES))} sont servis."
        )
    return {"contextUrl": None, "documentUrl": url, "document": _context(url)}


def canonicalize(document: dict) -> str:
    """The RDFC-1.0 (URDNA2015) canonical N-Quads of a JSON-LD document."""
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": document_loader,
    }
    # pyld is imported here, not at the top: it costs about 0.3 s of CPU at every start of
    # the `acquis` command (measured with python -X importtime, docs/testing.md).
    from pyld import jsonld

    try:
        return jsonld.normalize(document, options)
    except jsonld.JsonLdError as exc:
        raise _reason(exc) from exc


def canonical_hash(document: dict) -> bytes:
    """SHA-256 of the canonical N-Quads (eddsa-rdfc-2022, §3.3.4 hashing)."""
    return hashlib.sha256(canonicalize(document).encode("utf-8")).digest()


def _reason(exc: Exception) -> CanonicalisationError:
    """The innermost cause of a pyld error, kept when it is ours (unknown context)."""
    seen = exc
    while seen is not None:
        if isinstance(seen, CanonicalisationError):
            return type(seen)(str(seen))
        seen = getattr(seen, "cause", None) or seen.__cause__
    return CanonicalisationError(f"Document JSON-LD non canonisable : {exc}")
