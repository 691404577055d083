"""What a holder needs to show a badge: the LinkedIn "add to profile" link, the address
where anyone checks the document it comes from, and that document (certificate or block
attestation, for the Europass file).

LinkedIn's add-to-profile link (documented by LinkedIn for certification providers) opens
the member's "Licences et certifications" form filled in: `startTask=CERTIFICATION_NAME`,
`name`, `organizationName`, `issueYear`/`issueMonth`, `expirationYear`/`expirationMonth`,
`certUrl` (where the certification is checked), `certId` (its number). Nothing is sent to
LinkedIn by Acquis: the member follows the link and saves the form themselves.
"""

from datetime import datetime
from urllib.parse import urlencode

from acquis.credentials import documents
from acquis.credentials.enums import DocumentKind
from acquis.credentials.models import IssuedDocument

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"
NUMBERED = (DocumentKind.CERTIFICATE, DocumentKind.BLOCK_ATTESTATION)


def source_document(credential) -> IssuedDocument | None:
    """The certificate or attestation in force issued from the badge's decision."""
    return (
        IssuedDocument.objects.filter(
            decision_id=credential.decision_id,
            kind__in=NUMBERED,
            revoked_at__isnull=True,
            duplicate_of__isnull=True,
        )
        .order_by("-issued_at")
        .first()
    )


def _moment(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def linkedin_url(credential, *, verify_url: str, number: str) -> str:
    document = credential.document
    issuer = document.get("issuer")
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": document.get("name", ""),
        "organizationName": issuer.get("name", "") if isinstance(issuer, dict) else "",
    }
    issued = _moment(document.get("validFrom"))
    if issued:
        params |= {"issueYear": issued.year, "issueMonth": issued.month}
    until = _moment(document.get("validUntil"))
    if until:
        params |= {"expirationYear": until.year, "expirationMonth": until.month}
    if verify_url:
        params["certUrl"] = verify_url
    params["certId"] = number or document.get("id", "")
    return f"{LINKEDIN_ADD}?{urlencode(params)}"


def share(credential) -> dict:
    source = source_document(credential)
    verify_url = documents.verify_url(source.verification_code) if source else ""
    number = source.number if source else ""
    revoked = credential.revoked_at is not None
    return {
        "source": source,
        "verify_url": verify_url,
        "linkedin_url": ""
        if revoked
        else linkedin_url(credential, verify_url=verify_url, number=number),
        "revoked": revoked,
        "valid_until": _moment(credential.document.get("validUntil")),
    }
