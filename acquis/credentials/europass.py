"""A holder's certificate or block attestation as a Europass credential: the European Learning
Model (ELM 3.2), EDC application profile, serialised as JSON-LD (VCDM 2.0 form).

What it says (ELM terms): the credential (`EuropeanDigitalCredential`, generic profile
`http://data.europa.eu/snb/credential/e34929035b`, shapes `edc-generic-full`), issued by the
certifier (`Organisation`: legal name, French address, SIRET as legal identifier when
known), about the holder (`Person`: names, date of birth) who holds a `LearningAchievement`:
the title (for a certificate) or the blocks (for an attestation), awarded by the
certifier's jury on the deliberation's date (`AwardingProcess`), specified by the RNCP
qualification (`Qualification`: title, RNCP number as identifier, EQF level concept
`http://data.europa.eu/snb/eqf/<n>`) and, for each block, a `LearningAchievementSpecification`
with the block's registry code. `displayParameter` carries the badge image as the page to
show (PNG, base64).

Not signed: Europass accepts a credential sealed with the issuer's qualified electronic
seal (JAdES), which the EDC issuing tools apply; this file is what the holder imports or
hands over, and the signed PDF stays the authentic document (docs/credentials.md).
Checked in tests against the EBSI ELM 3.2 JSON Schema (tests/data/europass/).
"""

import base64
import uuid
from datetime import UTC, datetime, time

from django.utils import timezone

from acquis.credentials import badge_images, badges
from acquis.credentials.enums import DocumentKind
from acquis.errors import AcquisError
from acquis.juries.models import HeldBlock

CONTEXT = ["https://www.w3.org/ns/credentials/v2", "http://data.europa.eu/snb/model/context/edc-ap"]
TYPES = ["VerifiableCredential", "VerifiableAttestation", "EuropeanDigitalCredential"]
GENERIC_PROFILE = "http://data.europa.eu/snb/credential/e34929035b"
SHAPES = "http://data.europa.eu/snb/model/ap/edc-generic-full"
FRANCE = "http://publications.europa.eu/resource/authority/country/FRA"
FRENCH = "http://publications.europa.eu/resource/authority/language/FRA"
EQF = "http://data.europa.eu/snb/eqf/"
PNG = "http://publications.europa.eu/resource/authority/file-type/PNG"
BASE64 = "http://data.europa.eu/snb/encoding/6146cde7dd"
NAMESPACE = uuid.UUID("2d1f6b1e-7a3c-4a55-9f0b-5c8e1d7a9b31")


class EuropassError(AcquisError):
    """A document that cannot be exported to Europass (French message)."""


def _urn(kind: str, *parts) -> str:
    return f"urn:epass:{kind}:{uuid.uuid5(NAMESPACE, '/'.join(str(p) for p in parts))}"


def _fr(text: str) -> dict:
    return {"fr": text}


def _concept(iri: str, label: str, scheme: str, *, notation: str = "") -> dict:
    concept = {
        "id": iri,
        "type": "Concept",
        "prefLabel": _fr(label),
        "inScheme": {"id": scheme, "type": "ConceptScheme"},
    }
    if notation:
        concept["notation"] = notation
    return concept


def _moment(day, at: time = time.min) -> str:
    return timezone.make_aware(datetime.combine(day, at)).astimezone(UTC).isoformat()


def _organisation(certifier) -> dict:
    france = _concept(FRANCE, "France", "http://publications.europa.eu/resource/authority/country")
    address = {"id": _urn("address", certifier.pk), "type": "Address", "countryCode": france}
    if certifier.address:
        address["fullAddress"] = {
            "id": _urn("note", "address", certifier.pk),
            "type": "Note",
            "noteLiteral": _fr(certifier.address),
        }
    organisation = {
        "id": _urn("org", certifier.pk),
        "type": "Organisation",
        "legalName": _fr(certifier.name),
        "location": [
            {"id": _urn("location", certifier.pk), "type": "Location", "address": [address]}
        ],
    }
    siret = getattr(certifier, "siret", "") or ""
    if siret:
        organisation["registration"] = {
            "id": _urn("legalIdentifier", certifier.pk),
            "type": "LegalIdentifier",
            "notation": siret,
            "schemeName": "SIRET",
            "spatial": france,
        }
    return organisation


def _qualification(version) -> dict:
    qualification = {
        "id": _urn("qualification", version.pk),
        "type": "Qualification",
        "title": _fr(version.title),
    }
    registry = badges._registry(version)  # ("RNCP36612", url, framework) when known
    if registry:
        code, url, framework = registry
        qualification["homepage"] = {
            "id": _urn("webResource", code),
            "type": "WebResource",
            "contentURL": url,
        }
        qualification["identifier"] = {
            "id": _urn("identifier", code),
            "type": "Identifier",
            "notation": code,
            "schemeName": framework,
        }
    level = (version.level or "").upper().removeprefix("NIV")
    if level.isdigit():
        # The French levels 3 to 8 are the EQF levels of the same number (the French
        # framework was referenced to the EQF in 2019, décret n° 2019-14).
        qualification["eqfLevel"] = _concept(
            f"{EQF}{level}", f"Niveau {level} du CEC", f"{EQF}25831c2", notation=level
        )
    return qualification


def _block_achievement(block, awarded: dict, parent: str) -> dict:
    specification = {
        "id": _urn("learningAchievementSpec", block.pk),
        "type": "LearningAchievementSpecification",
        "title": _fr(block.title),
    }
    if block.registry_code:
        specification["identifier"] = {
            "id": _urn("identifier", block.registry_code),
            "type": "Identifier",
            "notation": block.registry_code,
            "schemeName": "Bloc de compétences RNCP",
        }
    return {
        "id": _urn("learningAchievement", parent, block.pk),
        "type": "LearningAchievement",
        "title": _fr(f"Bloc de compétences {block.code} — {block.title}"),
        "awardedBy": awarded,
        "specifiedBy": specification,
    }


def _display(document, title: str, design: dict) -> dict:
    french = _concept(
        FRENCH, "français", "http://publications.europa.eu/resource/authority/language"
    )
    image = badge_images.render(design, "png")
    return {
        "id": _urn("displayParameter", document.pk),
        "type": "DisplayParameter",
        "title": _fr(title),
        "language": [french],
        "primaryLanguage": french,
        "individualDisplay": [
            {
                "id": _urn("individualDisplay", document.pk),
                "type": "IndividualDisplay",
                "language": french,
                "displayDetail": [
                    {
                        "id": _urn("displayDetail", document.pk),
                        "type": "DisplayDetail",
                        "page": 1,
                        "image": {
                            "id": _urn("mediaObject", document.pk),
                            "type": "MediaObject",
                            "contentType": _concept(
                                PNG,
                                "PNG",
                                "http://publications.europa.eu/resource/authority/file-type",
                            ),
                            "contentEncoding": _concept(
                                BASE64, "base64", "http://data.europa.eu/snb/encoding/25831c2"
                            ),
                            "content": base64.b64encode(image).decode("ascii"),
                        },
                    }
                ],
            }
        ],
    }


def credential(document) -> dict:
    """The ELM credential of an issued certificate or block attestation (IssuedDocument)."""
    if document.kind not in (DocumentKind.CERTIFICATE, DocumentKind.BLOCK_ATTESTATION):
        raise EuropassError(
            "Europass : seuls un certificat ou une attestation de blocs s'exportent."
        )
    if document.revoked_at is not None:
        raise EuropassError(
            f"Europass : le document n° {document.number} est révoqué, il ne s'exporte plus."
        )
    decision = document.decision
    deliberation = decision.deliberation
    version = deliberation.version
    person = decision.candidacy.candidate
    issuer = _organisation(deliberation.certifier)
    awarded = {
        "id": _urn("awardingProcess", decision.pk),
        "type": "AwardingProcess",
        "awardingBody": [issuer],
        "awardingDate": _moment(deliberation.date),
    }
    held = (
        HeldBlock.objects.filter(decision=decision, revoked_by__isnull=True)
        .select_related("block")
        .order_by("block__position")
    )
    blocks = [_block_achievement(row.block, awarded, decision.pk) for row in held]
    if document.kind == DocumentKind.CERTIFICATE:
        achievement = {
            "id": _urn("learningAchievement", decision.pk),
            "type": "LearningAchievement",
            "title": _fr(version.title),
            "awardedBy": awarded,
            "specifiedBy": _qualification(version),
        }
        if blocks:
            achievement["hasPart"] = blocks
        claims = [achievement]
        title = f"Certificat — {version.title}"
        design = badge_images.design_data(
            kind="title", code="", title=version.title, certifier=deliberation.certifier.name
        )
    else:
        claims = blocks
        title = f"Attestation de blocs de compétences — {version.title}"
        design = badge_images.design_data(
            kind="block",
            code=", ".join(row.block.code for row in held),
            title=version.title,
            certifier=deliberation.certifier.name,
        )
    subject = {
        "id": _urn("person", person.pk),
        "type": "Person",
        "givenName": _fr(person.first_name),
        "familyName": _fr(person.usage_name or person.birth_name),
        "fullName": _fr(person.full_name),  # the naming rule (acquis.candidates.names)
        "hasClaim": claims,
    }
    if person.birth_date:
        subject["dateOfBirth"] = _moment(person.birth_date)
    issued = document.issued_at.astimezone(UTC).isoformat()
    return {
        "@context": list(CONTEXT),
        "id": _urn("credential", document.pk, document.number),
        "type": list(TYPES),
        "credentialSchema": [{"id": SHAPES, "type": "ShaclValidator2017"}],
        "credentialProfiles": [
            _concept(GENERIC_PROFILE, "Generic", "http://data.europa.eu/snb/credential/25831c2")
        ],
        "identifier": [
            {
                "id": _urn("identifier", document.pk),
                "type": "Identifier",
                "notation": document.number,
                "schemeName": f"Numéro de document de {deliberation.certifier.name}",
            }
        ],
        "displayParameter": _display(document, title, design),
        "issuer": issuer,
        "issued": issued,
        "validFrom": _moment(deliberation.date),
        "credentialSubject": subject,
    }
