"""Shared arrangements of the accrochage tests: constants and helpers (`awarded`,
`real_schema`); the fixtures `rncp_version` and `accrochage_settings` live in
`tests/exports/fixtures.py`, loaded for the whole suite by tests/conftest.py."""

from datetime import date
from pathlib import Path

from lxml import etree

XSD = Path(__file__).resolve().parents[1] / "data" / "accrochage"
REAL_XSD = XSD / "cdc_certifications_xsd_v1.1.2_kit_v2.0.0.xsd"
NUMBER = "RNCP99999"
ON = date(2025, 6, 20)


def real_schema() -> etree.XMLSchema:
    """The CDC's XSD as published, kept with the test data (not the copy the application
    validates with): an independent reader of our file."""
    return etree.XMLSchema(etree.parse(str(REAL_XSD)))


def awarded(version, *, partial=False, vae=False, person=None, on=ON):
    """A candidacy with a signed decision: total, or partial (B3 not acquired)."""
    from tests.juries import factories as jf

    candidacy = jf.ready_candidacy(
        version, not_acquired=["C3.2.1"] if partial else (), vae=vae, person=person
    )
    deliberation = jf.decided_and_signed(version, [candidacy], on=on)
    return deliberation.decisions.get(candidacy=candidacy)
