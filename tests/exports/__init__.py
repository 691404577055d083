"""Shared arrangements of the accrochage tests (import the fixtures by name).

`rncp_version`: the built-in OPS referential with a registry number and block registry
codes filled in (test values "RNCP99999", "RNCP99999BC01"…: the real ones are unknown,
formats.md §4, so the product never invents them; the tests need declarable awards).
`accrochage_settings`: the CDC identifiers of a test certifier.
"""

import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from lxml import etree

from acquis.referential.services import load_referential_file

XSD = Path(django_settings.BASE_DIR).parent / "shared" / "data" / "accrochage"
REAL_XSD = XSD / "cdc_certifications_xsd_v1.1.2_kit_v2.0.0.xsd"
NUMBER = "RNCP99999"
ON = date(2025, 6, 20)


@pytest.fixture
def rncp_version(certifier, builtin_file, tmp_path):
    text = Path(builtin_file).read_text(encoding="utf-8")
    text = text.replace(
        "registry: {kind: null, number: null}", f"registry: {{kind: RNCP, number: {NUMBER}}}"
    )
    counter = iter(range(1, 10))
    text = re.sub(
        r"registry_code: null", lambda _: f"registry_code: {NUMBER}BC0{next(counter)}", text
    )
    path = tmp_path / "ops-rncp.yaml"
    path.write_text(text, encoding="utf-8")
    return load_referential_file(path, owner=certifier).version


@pytest.fixture
def accrochage_settings(settings):
    settings.ACQUIS_ACCROCHAGE_CERTIFIER_ID = "E564ACB0"
    settings.ACQUIS_ACCROCHAGE_EMITTER_ID = ""
    settings.ACQUIS_ACCROCHAGE_CONTRACT_ID = "2560080000127J"
    settings.ACQUIS_ACCROCHAGE_ID_PREFIX = "ACQ"
    return settings


def real_schema() -> etree.XMLSchema:
    """The XSD of ../shared/data (not the vendored copy): an independent reader of our file."""
    return etree.XMLSchema(etree.parse(str(REAL_XSD)))


def awarded(version, *, partial=False, vae=False, person=None, on=ON):
    """A candidacy with a signed decision: total, or partial (B3 not acquired)."""
    from tests.juries import factories as jf

    candidacy = jf.ready_candidacy(
        version, not_acquired=["C3.2.1"] if partial else (), vae=vae, person=person
    )
    deliberation = jf.decided_and_signed(version, [candidacy], on=on)
    return deliberation.decisions.get(candidacy=candidacy)
