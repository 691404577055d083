"""A certifier's settings for its documents and declarations, one place to read them.

Each certifier may have its own (`CertifierProfile`: display name, logo, signatory, CDC
identifiers). A field it leaves blank falls back to the installation's environment
(`ACQUIS_CERTIFIER_DISPLAY_NAME`, `ACQUIS_CERTIFIER_LOGO`, `ACQUIS_SIGNATORY_NAME/TITLE`,
`ACQUIS_ACCROCHAGE_*`) only for the installation's first certifier: a single-certifier
installation keeps working from its environment, and a second certifier never prints the
first one's name, logo or signatory, nor declares under its CDC identifiers.
"""

from dataclasses import dataclass, fields

from django.conf import settings

from acquis.organisations.models import CertifierProfile, Organisation


@dataclass(frozen=True)
class CertifierSettings:
    display_name: str
    logo_file: str
    signatory_name: str
    signatory_title: str
    cdc_client_id: str
    cdc_emitter_id: str
    cdc_contract_id: str


# The profile's fields a reading uses (the same names): what a caller's query that reads the
# profile with the certifier (select_related("…certifier__profile")) must load.
PROFILE_FIELDS = tuple(field.name for field in fields(CertifierSettings))


def uses_environment(certifier) -> bool:
    """The environment's settings belong to the installation's first certifier."""
    return certifier is not None and certifier.is_first_certifier


def _profile(certifier) -> CertifierProfile | None:
    if certifier is None:
        return None
    if Organisation.profile.is_cached(certifier):  # read by the caller's query
        try:
            return certifier.profile
        except CertifierProfile.DoesNotExist:
            return None
    return CertifierProfile.objects.filter(certifier=certifier).first()


def settings_for(certifier) -> CertifierSettings:
    profile = _profile(certifier)
    env = uses_environment(certifier) or certifier is None

    def pick(field: str, setting: str) -> str:
        own = getattr(profile, field, "") if profile is not None else ""
        return own or (str(getattr(settings, setting, "") or "") if env else "")

    client = pick("cdc_client_id", "ACQUIS_ACCROCHAGE_CERTIFIER_ID")
    return CertifierSettings(
        display_name=pick("display_name", "ACQUIS_CERTIFIER_DISPLAY_NAME")
        or (certifier.name if certifier is not None else ""),
        logo_file=pick("logo_file", "ACQUIS_CERTIFIER_LOGO"),
        signatory_name=pick("signatory_name", "ACQUIS_SIGNATORY_NAME"),
        signatory_title=pick("signatory_title", "ACQUIS_SIGNATORY_TITLE"),
        cdc_client_id=client,
        cdc_emitter_id=pick("cdc_emitter_id", "ACQUIS_ACCROCHAGE_EMITTER_ID") or client,
        cdc_contract_id=pick("cdc_contract_id", "ACQUIS_ACCROCHAGE_CONTRACT_ID"),
    )


def display_name(certifier) -> str:
    return settings_for(certifier).display_name
