"""PAdES signature of the PDFs we issue (pyHanko), with the certifier's key and certificate.

The key and certificate are files: the certifier's own (certifier_keys.py, a folder per
certifier), else the installation's, named by the settings `ACQUIS_PDF_SIGNING_KEY` and
`ACQUIS_PDF_SIGNING_CERT` (PEM), with the intermediate certificates of its chain in
`ACQUIS_PDF_SIGNING_CHAIN`. `acquis credentials_key` (run by `make run`) writes a
self-signed demonstration pair (ECDSA P-256) when they are absent; production installs the
certifier's own pair, issued by a trusted authority. The signature is an incremental update
(`ETSI.CAdES.detached`): the Typst PDF/A bytes stay untouched before it, and poppler's
`pdfsig` reports "Signature is Valid" (tests/credentials/test_signing.py).

Levels (ETSI EN 319 142-1, PAdES baseline), `ACQUIS_PDF_SIGNATURE_LEVEL`:
- **B-B** (default, the demo): the signature alone; its time is the signer's claim.
- **B-T**: plus an RFC 3161 timestamp of the signature from the time-stamping authority at
  `ACQUIS_PDF_TSA_URL`: the signature provably existed at that time.
- **B-LT**: plus, in the document security store (DSS), the certificates and the revocation
  information (OCSP responses, CRLs) of the signing certificate and of the timestamp,
  fetched at signing time from the addresses their certificates give, and checked up to the
  trust anchors of `ACQUIS_PDF_TRUST_ROOTS`: the signature can be validated long after those
  services are gone (tests/credentials/test_pades_levels.py, against a local CA and TSA).
"""

import datetime
import io
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

from acquis.credentials import certifier_keys
from acquis.errors import AcquisError

DEMO_VALIDITY_DAYS = 5 * 365
# Room for the CMS signature (bytes). Given, pyHanko skips its dry-run signature that
# estimates the size, which halves the signing time; 16 KiB holds a certificate chain of a
# few RSA-4096 certificates.
SIGNATURE_BYTES = 16384


class SigningError(AcquisError):
    """The PDF cannot be signed (missing or unreadable key); the message is in French."""


def create_demo_pair(key_path: Path, cert_path: Path, *, organisation: str) -> bool:
    """Write a self-signed key and certificate when absent; True when written."""
    key_path, cert_path = Path(key_path), Path(cert_path)
    if key_path.exists() and cert_path.exists():
        return False
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{organisation} (démonstration)"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,  # non-repudiation: a document signed by the certifier
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=DEMO_VALIDITY_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path.parent.mkdir(parents=True, exist_ok=True)
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return True


LEVELS = ("B-B", "B-T", "B-LT")


def _signer(certifier=None):
    """The signer (a pades.ReusingSigner) of the certifier's own key and certificate when it
    has them (certifier_keys), else of the installation's; read once per key and
    certificate."""
    pair = certifier_keys.pdf_pair(certifier)
    key, cert = pair.key, pair.cert
    for path, what in ((key, "clé"), (cert, "certificat")):
        if not path.is_file():
            raise SigningError(
                f"Signature électronique impossible : {what} introuvable ({path}). "
                "Lancez « acquis credentials_key » (« --certifier » pour la clé propre d'un "
                "certificateur autre que le premier) pour une clé de démonstration, ou "
                "renseignez ACQUIS_PDF_SIGNING_KEY et ACQUIS_PDF_SIGNING_CERT."
            )
    chain = tuple(str(path) for path in pair.chain)
    # Keyed by path and modification time: a replaced key is read again.
    return _load(str(key), key.stat().st_mtime_ns, str(cert), cert.stat().st_mtime_ns, chain)


def check_signer(certifier=None) -> None:
    """SigningError (French) when the key or the certificate is missing or unreadable (the
    certifier's own when it has one, else the installation's): for the readiness probe and
    the production server's start."""
    _signer(certifier)


@lru_cache(maxsize=16)
def _load(key: str, _key_mtime: int, cert: str, _cert_mtime: int, chain: tuple[str, ...] = ()):
    # pyHanko (through the pades module) is imported when a PDF is signed, not when Django
    # starts: about 1 s of CPU at every start of the `acquis` command that loads the URLs
    # (python -X importtime, docs/testing.md).
    from pyhanko.sign import signers

    from acquis.credentials.pades import ReusingSigner

    signer = signers.SimpleSigner.load(key, cert, ca_chain_files=chain or None)
    if signer is None:
        raise SigningError(
            f"Signature électronique impossible : clé ou certificat illisible ({key})."
        )
    return ReusingSigner(
        signing_cert=signer.signing_cert,
        signing_key=signer.signing_key,
        cert_registry=signer.cert_registry,
        signature_mechanism=signer.signature_mechanism,
        embed_roots=signer.embed_roots,
    )


def _level() -> str:
    level = settings.ACQUIS_PDF_SIGNATURE_LEVEL
    if level not in LEVELS:
        raise SigningError(
            f"Niveau de signature inconnu : « {level} » (ACQUIS_PDF_SIGNATURE_LEVEL : "
            f"{', '.join(LEVELS)})."
        )
    if level != "B-B" and not settings.ACQUIS_PDF_TSA_URL:
        raise SigningError(
            f"Signature {level} impossible : aucune autorité d'horodatage "
            "(réglez ACQUIS_PDF_TSA_URL)."
        )
    return level


def _validation_context():
    """Trust anchors for B-LT; the revocation information is fetched from the addresses
    (OCSP, CRL) written in the certificates, then embedded."""
    from pyhanko.keys import load_certs_from_pemder
    from pyhanko_certvalidator import ValidationContext

    roots = list(load_certs_from_pemder([str(p) for p in settings.ACQUIS_PDF_TRUST_ROOTS]))
    if not roots:
        raise SigningError(
            "Signature B-LT impossible : aucune autorité de confiance (réglez "
            "ACQUIS_PDF_TRUST_ROOTS, le certificat racine de la chaîne du certificat de "
            "signature et de l'horodatage)."
        )
    return ValidationContext(trust_roots=roots, allow_fetching=True)


def sign_pdf(
    pdf: bytes, *, reason: str = "Document délivré", location: str = "", certifier=None
) -> bytes:
    """The PDF with a PAdES signature of the certifier appended (incremental update), at the
    level of ACQUIS_PDF_SIGNATURE_LEVEL: with the certifier's own key when it has one, else
    with the installation's."""
    # Imported here for the start-up time of the command (see _load).
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.sign.general import SigningError as PdfSigningError
    from pyhanko_certvalidator.errors import PathError, ValidationError

    from acquis.credentials.pades import SignatureOnlyWriter

    signer = _signer(certifier)
    level = _level()
    writer = SignatureOnlyWriter(io.BytesIO(pdf), strict=False)
    options = {}
    timestamper = None
    if level != "B-B":
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(settings.ACQUIS_PDF_TSA_URL, timeout=30)
    if level == "B-LT":
        options = {"embed_validation_info": True, "validation_context": _validation_context()}
    metadata = signers.PdfSignatureMetadata(
        field_name="Signature",
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location or None,
        **options,
    )
    try:
        return signers.sign_pdf(
            writer,
            metadata,
            signer=signer,
            timestamper=timestamper,
            bytes_reserved=SIGNATURE_BYTES,
        ).getvalue()
    except (OSError, ValueError, PdfSigningError, ValidationError, PathError) as exc:
        if level == "B-B":
            raise
        raise SigningError(
            f"Signature {level} impossible : {exc} (autorité d'horodatage "
            f"{settings.ACQUIS_PDF_TSA_URL}, ou service de révocation injoignable)."
        ) from exc
