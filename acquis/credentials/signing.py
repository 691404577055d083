"""PAdES signature of the PDFs we issue (pyHanko), with the certifier's key and certificate.

The key and certificate are files named by the settings `ACQUIS_PDF_SIGNING_KEY` and
`ACQUIS_PDF_SIGNING_CERT` (PEM). `acquis credentials_key` (run by `make run`) writes a
self-signed demonstration pair (ECDSA P-256) when they are absent; production installs the
certifier's own pair, issued by a trusted authority. The signature is an incremental update
(`ETSI.CAdES.detached`, PAdES baseline B): the Typst PDF/A bytes stay untouched before it,
and poppler's `pdfsig` reports "Signature is Valid" (tests/credentials/test_signing.py).
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
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter

DEMO_VALIDITY_DAYS = 5 * 365
# Room for the CMS signature (bytes). Given, pyHanko skips its dry-run signature that
# estimates the size, which halves the signing time; 16 KiB holds a certificate chain of a
# few RSA-4096 certificates.
SIGNATURE_BYTES = 16384


class SigningError(Exception):
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


def _signer() -> signers.SimpleSigner:
    key, cert = Path(settings.ACQUIS_PDF_SIGNING_KEY), Path(settings.ACQUIS_PDF_SIGNING_CERT)
    for path, what in ((key, "clé"), (cert, "certificat")):
        if not path.is_file():
            raise SigningError(
                f"Signature électronique impossible : {what} introuvable ({path}). "
                "Lancez « acquis credentials_key » pour une clé de démonstration, ou "
                "renseignez ACQUIS_PDF_SIGNING_KEY et ACQUIS_PDF_SIGNING_CERT."
            )
    # Keyed by path and modification time: a replaced key is read again.
    return _load(str(key), key.stat().st_mtime_ns, str(cert), cert.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _load(key: str, _key_mtime: int, cert: str, _cert_mtime: int) -> signers.SimpleSigner:
    signer = signers.SimpleSigner.load(key, cert)
    if signer is None:
        raise SigningError(
            f"Signature électronique impossible : clé ou certificat illisible ({key})."
        )
    return signer


def sign_pdf(pdf: bytes, *, reason: str = "Document délivré", location: str = "") -> bytes:
    """The PDF with a PAdES signature of the certifier appended (incremental update)."""
    signer = _signer()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name="Signature",
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location or None,
    )
    return signers.sign_pdf(
        writer, metadata, signer=signer, bytes_reserved=SIGNATURE_BYTES
    ).getvalue()
