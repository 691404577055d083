"""The test data vendored under tests/data/ is a faithful copy of the project's reference
material, when that material sits next to the repository (skipped in a lone clone)."""

import filecmp
from pathlib import Path

import pytest

from tests.conftest import DATA, REPO

REFERENCE = REPO.parent / "shared"  # the project's reference material, when present

# Vendored file -> the same file in the reference material.
COPIES = {
    "rncp/export_fiches_RNCP_v4.1_sample.xml": "data/rncp/export_fiches_RNCP_v4.1_sample.xml",
    "rncp/export_fiches_RS_v4.1_sample.xml": "data/rncp/export_fiches_RS_v4.1_sample.xml",
    "accrochage/cdc_certifications_xsd_v1.1.2_kit_v2.0.0.xsd": (
        "data/accrochage/cdc_certifications_xsd_v1.1.2_kit_v2.0.0.xsd"
    ),
    "accrochage/cdc_exemple_officiel_kit_v2.0.0.xml": (
        "data/accrochage/cdc_exemple_officiel_kit_v2.0.0.xml"
    ),
    "referential/000_453fa112b3548314.txt": "referential/000_453fa112b3548314.txt",
}
FOLDERS = {
    "openbadges/vc-test-fixtures": "data/openbadges/vc-test-fixtures",
    "openbadges/schema": "data/openbadges/schema",
    "openbadges/test-vectors": "data/openbadges/test-vectors",
}


def _files(folder: Path) -> dict[str, Path]:
    return {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="pas de matériel de référence à côté du dépôt")
def test_vendored_data_matches_the_reference_material():
    different = [
        vendored
        for vendored, original in COPIES.items()
        if not filecmp.cmp(DATA / vendored, REFERENCE / original, shallow=False)
    ]
    for vendored, original in FOLDERS.items():
        ours, theirs = _files(DATA / vendored), _files(REFERENCE / original)
        assert set(ours) <= set(theirs), f"{vendored} : fichiers absents de la référence"
        different += [
            f"{vendored}/{name}"
            for name, path in ours.items()
            if not filecmp.cmp(path, theirs[name], shallow=False)
        ]
    assert different == []
    # The built-in referential file is derived from the source text (not a copy): its
    # faithfulness to the source is the subject of tests/referential/test_fileformat.py.
