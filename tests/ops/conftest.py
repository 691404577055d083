"""A production installation's files, built once per session: signing keys and the static
files collected with hashed names (`acquis collectstatic`, as the image and the docs do)."""

import subprocess
from types import SimpleNamespace

import pytest

from acquis.credentials import badges
from acquis.credentials.signing import create_demo_pair
from tests.ops.helpers import ACQUIS, REPO, production_env


@pytest.fixture(scope="session")
def prod_site(tmp_path_factory):
    var = tmp_path_factory.mktemp("prod-var")
    keys = var / "keys"
    create_demo_pair(keys / "pdf-key.pem", keys / "pdf-cert.pem", organisation="OPS Conseil")
    (keys / "badges.key").write_text(badges.key_to_multibase(badges.generate_key()))
    env = production_env(
        var,
        ACQUIS_PDF_SIGNING_KEY=str(keys / "pdf-key.pem"),
        ACQUIS_PDF_SIGNING_CERT=str(keys / "pdf-cert.pem"),
        ACQUIS_BADGE_KEY_FILE=str(keys / "badges.key"),
        ACQUIS_STATIC_ROOT=str(var / "static"),
    )
    subprocess.run(  # noqa: S603 - our own command
        [ACQUIS, "collectstatic", "--no-input", "-v0"], env=env, cwd=REPO, check=True, timeout=300
    )
    return SimpleNamespace(env=env, var=var, keys=keys, static=var / "static")
