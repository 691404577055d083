"""PAdES signature of the PDFs we issue (pyHanko), with the certifier's key and certificate.

The key and certificate are files named by the settings `ACQUIS_PDF_SIGNING_KEY` and
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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError as PdfSigningError
from pyhanko_certvalidator.errors import PathError, ValidationError

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


def _signer() -> signers.SimpleSigner:
    key, cert = Path(settings.ACQUIS_PDF_SIGNING_KEY), Path(settings.ACQUIS_PDF_SIGNING_CERT)
    for path, what in ((key, "clé"), (cert, "certificat")):
        if not path.is_file():
            raise SigningError(
                f"Signature électronique impossible : {what} introuvable ({path}). "
                "Lancez « acquis credentials_key » pour une clé de démonstration, ou "
                "renseignez ACQUIS_PDF_SIGNING_KEY et ACQUIS_PDF_SIGNING_CERT."
            )
    chain = tuple(str(path) for path in settings.ACQUIS_PDF_SIGNING_CHAIN)
    # Keyed by path and modification time: a replaced key is read again.
    return _load(str(key), key.stat().st_mtime_ns, str(cert), cert.stat().st_mtime_ns, chain)


def check_signer() -> None:
    """SigningError (French) when the key or the certificate is missing or unreadable: for the
    readiness probe and the production server's start."""
    _signer()


@lru_cache(maxsize=4)
def _load(
    key: str, _key_mtime: int, cert: str, _cert_mtime: int, chain: tuple[str, ...] = ()
) -> signers.SimpleSigner:
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


# --- the CMS container, assembled from parts built once per signer ---------------------------

# RFC 5652 §5.3 (SignerInfo), §5.4 (signed attributes are signed as a SET OF: tag 0x31; they
# are stored as [0] IMPLICIT: tag 0xA0). Our signatures carry exactly these three (PAdES
# baseline B, ETSI EN 319 142-1 §5.3: no signing-time attribute, the time is /M).
PADES_ATTRIBUTES = {"content_type", "message_digest", "signing_certificate_v2"}


def _tlv(tag: int, content: bytes) -> bytes:
    """One DER element (X.690 §8.1: definite length, short or long form)."""
    size = len(content)
    if size < 0x80:
        return bytes((tag, size)) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + content


@dataclass(frozen=True)
class _Template:
    """The DER parts of a signer's CMS SignedData that do not change between two PDFs."""

    attributes: tuple[bytes, ...]  # content type and signing certificate, DER
    digest_prefix: bytes  # the messageDigest attribute up to its value
    signer_head: bytes  # SignerInfo version, sid, digestAlgorithm
    signature_algorithm: bytes
    data_head: bytes  # SignedData version, digestAlgorithms, encapContentInfo, certificates
    content_type: bytes  # id-signedData

    @classmethod
    def of(cls, info: cms.ContentInfo, digest: bytes) -> "_Template | None":
        """The parts of a container pyHanko built; None unless it is exactly the expected
        shape and the parts put back together give it byte for byte."""
        data = info["content"]
        signer = data["signer_infos"][0]
        attributes = {a["type"].native: a.dump() for a in signer["signed_attrs"]}
        digest_attribute = attributes.get("message_digest", b"")
        if (
            set(attributes) != PADES_ATTRIBUTES
            or len(data["signer_infos"]) != 1
            or signer["unsigned_attrs"].native is not None
            or data["crls"].native is not None
            or not digest_attribute.endswith(digest)
        ):
            return None
        certificates = data["certificates"]
        template = cls(
            attributes=(attributes["content_type"], attributes["signing_certificate_v2"]),
            digest_prefix=digest_attribute[: -len(digest)],
            signer_head=b"".join(signer[f].dump() for f in ("version", "sid", "digest_algorithm")),
            signature_algorithm=signer["signature_algorithm"].dump(),
            data_head=b"".join(
                data[f].dump() for f in ("version", "digest_algorithms", "encap_content_info")
            )
            + certificates.dump(),
            content_type=info["content_type"].dump(),
        )
        rebuilt = template.container(digest, lambda _: signer["signature"].native)
        return template if rebuilt == info.dump() else None

    def signed_attributes(self, digest: bytes) -> bytes:
        # DER orders a SET OF by the encodings (X.690 §11.6).
        return b"".join(sorted((*self.attributes, self.digest_prefix + digest)))

    def container(self, digest: bytes, sign) -> bytes:
        attributes = self.signed_attributes(digest)
        signature = sign(_tlv(0x31, attributes))
        signer = _tlv(
            0x30,
            self.signer_head
            + _tlv(0xA0, attributes)
            + self.signature_algorithm
            + _tlv(0x04, signature),
        )
        signed_data = _tlv(0x30, self.data_head + _tlv(0x31, signer))
        return _tlv(0x30, self.content_type + _tlv(0xA0, signed_data))


class ReusingSigner(signers.SimpleSigner):
    """A SimpleSigner whose PAdES containers, after the first, are assembled from its parts.

    For one signer, our CMS containers differ from one PDF to the next only by the digest of
    the document (messageDigest) and the signature value. pyHanko builds the first one with
    asn1crypto (70 % of the signing time, measured: bench/README.md); its constant parts are
    kept as DER (`_Template`, checked to give pyHanko's container back byte for byte) and
    the next containers are put together around the new digest and signature. Anything else
    (dry run, timestamp, other attributes, other content) goes to pyHanko as it is.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._templates: dict[str, _Template | None] = {}

    async def async_sign(self, data_digest, digest_algorithm, dry_run=False, **kwargs):
        attrs = kwargs.get("signed_attr_settings")
        plain = (
            not dry_run
            and kwargs.get("use_pades")
            and kwargs.get("timestamper") is None
            and kwargs.get("encap_content_info") is None
            and kwargs.get("is_pdf_sig", True)
            and (
                attrs is None
                or (attrs.adobe_revinfo_attr, attrs.cades_signed_attrs) == (None, None)
            )
        )
        template = self._templates.get(digest_algorithm) if plain else None
        if template is None:
            info = await super().async_sign(data_digest, digest_algorithm, dry_run, **kwargs)
            if plain and digest_algorithm not in self._templates:
                self._templates[digest_algorithm] = _Template.of(info, data_digest)
            return info
        der = template.container(data_digest, lambda data: self.sign_raw(data, digest_algorithm))
        return cms.ContentInfo.load(der)


# PDF/A-2 is built on ISO 32000-1, PDF 1.7 (ISO 19005-2 §6.1.2: header "%PDF-1.n", n ≤ 7).
PDF_VERSION = (1, 7)


class _SignatureOnlyWriter(IncrementalPdfFileWriter):
    """An incremental update that adds the signature and leaves the document's metadata as
    Typst wrote it. pyHanko would rewrite the Info dictionary and re-serialise the XMP packet
    (ModDate, Producer): 40 % of what remained of the signing time once the CMS container is
    reused (bench/README.md). Unchanged, the two stay consistent with each other as PDF/A
    requires (ISO 19005-2 §6.6.3); the signing time is /M of the signature dictionary.

    The file also stays a PDF 1.7, as its header, its XMP and its PDF/A-2 claim say. For an
    ECDSA key on a NIST or Brainpool curve (ours) pyHanko declares the ISO/TS 32002 extension,
    which is defined for PDF 2.0 only, and raises the catalog's /Version to 2.0: a PDF/A-2
    file cannot be that. The signature does not need it: PAdES declares itself through the
    ESIC extension of PDF 1.7 (ETSI EN 319 142-1 §5.1), whose CAdES signatures may be ECDSA.
    """

    def _update_meta(self):
        return None

    def ensure_output_version(self, version):
        if tuple(version) <= PDF_VERSION:
            super().ensure_output_version(version)

    def register_extension(self, ext):
        if ext.base_version == "/2.0":
            return  # a PDF 2.0 extension in a PDF 1.7 file would contradict its version
        super().register_extension(ext)


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


def sign_pdf(pdf: bytes, *, reason: str = "Document délivré", location: str = "") -> bytes:
    """The PDF with a PAdES signature of the certifier appended (incremental update), at the
    level of ACQUIS_PDF_SIGNATURE_LEVEL."""
    signer = _signer()
    level = _level()
    writer = _SignatureOnlyWriter(io.BytesIO(pdf), strict=False)
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
