"""The pyHanko side of our PAdES signatures (acquis.credentials.signing uses it): a signer
that reuses its CMS container, and an incremental update that adds the signature only.

A module of its own so that pyHanko is imported when a PDF is signed, not at every start of
the `acquis` command."""

from dataclasses import dataclass

from asn1crypto import cms
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

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


class SignatureOnlyWriter(IncrementalPdfFileWriter):
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
