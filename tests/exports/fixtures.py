"""Fixtures of the accrochage tests, available to the whole suite (tests/conftest.py).

`rncp_version`: the built-in OPS referential with a registry number and block registry
codes filled in (test values "RNCP99999", "RNCP99999BC01"…: the real ones are unknown,
formats.md §4, so the product never invents them; the tests need declarable awards).
`accrochage_settings`: the CDC identifiers of a test certifier.
"""

import re
from pathlib import Path

import pytest

from acquis.referential.services import load_referential_file
from tests.exports import NUMBER


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
