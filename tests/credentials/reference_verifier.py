"""Run Digital Bazaar's reference verifier (tests/vc_verifier/verify.mjs, Node) on
credentials: an implementation independent of ours (see tests/vc_verifier/README.md).

Without Node or its installed packages the test is skipped with the reason; with
ACQUIS_REQUIRE_NODE=1 (set by CI) it fails instead."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from acquis.credentials import canonical

FOLDER = Path(__file__).resolve().parents[1] / "vc_verifier"
SCRIPT = FOLDER / "verify.mjs"


def _missing() -> str:
    if shutil.which("node") is None:
        return "Node.js introuvable (apt-get install nodejs npm)"
    if not (FOLDER / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        return f"paquets npm absents de {FOLDER}/node_modules (make install lance npm ci)"
    return ""


@pytest.fixture
def reference_verifier():
    missing = _missing()
    if missing:
        message = f"Vérificateur de référence (Digital Bazaar) indisponible : {missing}."
        if os.environ.get("ACQUIS_REQUIRE_NODE") == "1":
            pytest.fail(message + " ACQUIS_REQUIRE_NODE=1 l'exige.")
        pytest.skip(message)
    return verify


def verify(credentials: list[dict], documents: dict | None = None) -> list[dict]:
    """One result per credential: {"verified", "error", "status": {"verified", "revoked"}}."""
    contexts = {
        url: str(canonical.CONTEXTS_DIR / name) for url, name in canonical.CONTEXT_FILES.items()
    }
    payload = {"credentials": credentials, "documents": documents or {}, "contexts": contexts}
    result = subprocess.run(  # noqa: S603 - our own script, fixed interpreter
        ["node", str(SCRIPT)],  # noqa: S607 - node from PATH, as npm installed it
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=False,
        cwd=FOLDER,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
