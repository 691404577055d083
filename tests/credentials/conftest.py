"""A demonstration signing key for the document tests (created once per session).

Not autouse: the document modules ask for it (`pytestmark = usefixtures(...)`).
"""

import pytest

from acquis.credentials.signing import create_demo_pair


@pytest.fixture(scope="session")
def signing_pair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("signing")
    key, cert = folder / "key.pem", folder / "cert.pem"
    create_demo_pair(key, cert, organisation="OPS Conseil")
    return key, cert


@pytest.fixture
def signing_settings(settings, signing_pair):
    settings.ACQUIS_PDF_SIGNING_KEY, settings.ACQUIS_PDF_SIGNING_CERT = signing_pair
    settings.ACQUIS_SIGNATORY_NAME = "Claire Dumas"
    settings.ACQUIS_SIGNATORY_TITLE = "Directrice de la certification"
    settings.SITE_URL = "https://acquis.example.fr"
