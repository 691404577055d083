"""A certifier's own settings (name, logo, signatory, CDC identifiers), with the environment
as the fallback of the installation's first certifier only."""

import pytest

from acquis.exports import accrochage
from acquis.organisations.certifier_settings import settings_for
from acquis.organisations.models import CertifierProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def environment(settings):
    settings.ACQUIS_CERTIFIER_DISPLAY_NAME = "OPS Conseil (Bron)"
    settings.ACQUIS_CERTIFIER_LOGO = "/srv/acquis/logo-ops.png"
    settings.ACQUIS_SIGNATORY_NAME = "Claire Dumas"
    settings.ACQUIS_SIGNATORY_TITLE = "Directrice"
    settings.ACQUIS_ACCROCHAGE_CERTIFIER_ID = "E564ACB0"
    settings.ACQUIS_ACCROCHAGE_EMITTER_ID = ""
    settings.ACQUIS_ACCROCHAGE_CONTRACT_ID = "2560080000127J"
    return settings


def test_the_first_certifier_reads_the_environment(environment, certifier, cns_certifier):
    own = settings_for(certifier)
    assert own.display_name == "OPS Conseil (Bron)"
    assert own.logo_file == "/srv/acquis/logo-ops.png"
    assert (own.signatory_name, own.signatory_title) == ("Claire Dumas", "Directrice")
    assert (own.cdc_client_id, own.cdc_emitter_id, own.cdc_contract_id) == (
        "E564ACB0",
        "E564ACB0",
        "2560080000127J",
    )


def test_another_certifier_never_reads_the_first_ones(environment, certifier, cns_certifier):
    own = settings_for(cns_certifier)
    assert own.display_name == "Coopérative Numérique du Sud"
    assert own.logo_file == "" and own.signatory_name == "" and own.cdc_client_id == ""
    with pytest.raises(accrochage.AccrochageError, match="Réglages de Coopérative Numérique"):
        accrochage.export_accrochage(cns_certifier)


def test_a_certifiers_own_settings_win(environment, certifier, cns_certifier):
    CertifierProfile.objects.create(
        certifier=certifier, display_name="OPS", signatory_name="Nadia Martin"
    )
    CertifierProfile.objects.create(
        certifier=cns_certifier, cdc_client_id="C0NS0001", cdc_contract_id="CNS-1"
    )
    ops = settings_for(certifier)
    assert ops.display_name == "OPS" and ops.signatory_name == "Nadia Martin"
    assert ops.signatory_title == "Directrice"  # blank: the environment
    cns = settings_for(cns_certifier)
    assert (cns.cdc_client_id, cns.cdc_emitter_id, cns.cdc_contract_id) == (
        "C0NS0001",
        "C0NS0001",
        "CNS-1",
    )
