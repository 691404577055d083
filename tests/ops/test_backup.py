"""`acquis backup` then `acquis restore` of the demo into an empty database (a second
PostgreSQL database, or a new SQLite file), by the real commands: every document's file
against its recorded SHA-256, the audit chain (`acquis audit verify`) and a badge's
signature after restore; refusals before any write."""

import json
import os
import subprocess
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from acquis.credentials import certifier_keys
from acquis.credentials.models import IssuedCredential, IssuedDocument
from acquis.ops.backup import BackupError, read_manifest
from acquis.organisations.enums import OrganisationKind
from acquis.organisations.models import Organisation
from tests.ops.helpers import ACQUIS, REPO, database_url

pytestmark = pytest.mark.django_db(transaction=True)

CHECK_RESTORED = """
import hashlib, json
from django.core.files.storage import default_storage
from acquis.credentials import badges
from acquis.credentials.models import IssuedCredential, IssuedDocument
documents = {}
for d in IssuedDocument.objects.order_by("pk"):
    with default_storage.open(d.file.name, "rb") as f:
        documents[d.verification_code] = [d.sha256, hashlib.sha256(f.read()).hexdigest()]
credential = IssuedCredential.objects.order_by("pk").first()
check = badges.verify(credential.document)
print(json.dumps({"documents": documents, "badge": bool(check), "badge_id": credential.pk}))
"""


@pytest.fixture
def keys(settings, tmp_path):
    folder = tmp_path / "cles-source"
    settings.ACQUIS_PDF_SIGNING_KEY = folder / "pdf-key.pem"
    settings.ACQUIS_PDF_SIGNING_CERT = folder / "pdf-cert.pem"
    settings.ACQUIS_BADGE_KEY = ""
    settings.ACQUIS_BADGE_KEY_FILE = folder / "badges.key"
    settings.SITE_URL = "https://acquis.example.fr"
    return folder


@pytest.fixture
def empty_database(tmp_path):
    """Where to restore: a new PostgreSQL database (dropped afterwards), or a new file."""
    if connection.vendor == "sqlite":
        yield {"SQLITE_PATH": str(tmp_path / "restauree.sqlite3")}
        return
    name = f"{connection.settings_dict['NAME'].removeprefix('test_')}_restore_{os.getpid()}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {"DATABASE_URL": database_url().rsplit("/", 1)[0] + f"/{name}"}
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _acquis(*args, env):
    return subprocess.run(  # noqa: S603 - our own command
        [ACQUIS, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip


def test_the_demo_survives_a_backup_and_a_restore(keys, empty_database, tmp_path, capsys):
    call_command("demo")
    certifier = Organisation.objects.filter(kind=OrganisationKind.CERTIFIER).earliest("pk")
    call_command("credentials", "keygen", "--certifier", str(certifier.pk))
    own_key = certifier_keys.badge_key_file(certifier)
    call_command("backup", out=str(tmp_path / "sauvegarde"))
    out = capsys.readouterr().out
    manifest = read_manifest(tmp_path / "sauvegarde")
    kinds = [entry["type"] for entry in manifest["fichiers"]]
    # The installation's PDF key, certificate and badge key, the first certifier's own badge
    # key, and the demo's second certifier's own PDF key, certificate and badge key.
    assert kinds.count("base") == 1 and kinds.count("cle") == 7
    assert kinds.count("fichier") >= IssuedDocument.objects.count() > 0
    assert f"Sauvegarde écrite dans {tmp_path / 'sauvegarde'} : base {connection.vendor}" in out
    sums = (tmp_path / "sauvegarde" / "SHA256SUMS").read_text().splitlines()
    assert len(sums) == len(manifest["fichiers"])

    target = tmp_path / "restauree"
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTEST_CURRENT_TEST")
    } | {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "ACQUIS_VAR_DIR": str(target),
        "ACQUIS_PDF_SIGNING_KEY": str(target / "cles" / "pdf-key.pem"),
        "ACQUIS_PDF_SIGNING_CERT": str(target / "cles" / "pdf-cert.pem"),
        "ACQUIS_BADGE_KEY_FILE": str(target / "cles" / "badges.key"),
        "SITE_URL": "https://acquis.example.fr",
        **empty_database,
    }
    restored = _acquis("restore", str(tmp_path / "sauvegarde"), env=env)
    assert restored.returncode == 0, restored.stderr
    assert "Restauration terminée" in restored.stdout
    assert "chaîne d'audit intègre" in restored.stdout
    assert (target / "cles" / "pdf-key.pem").read_bytes() == (keys / "pdf-key.pem").read_bytes()
    assert oct((target / "cles" / "pdf-key.pem").stat().st_mode & 0o777) == "0o600"
    # The certifier's own key, back into its folder under the new installation's.
    restored_own = target / "keys" / "certificateurs" / own_key.parent.name / own_key.name
    assert restored_own.read_bytes() == own_key.read_bytes()

    audit = _acquis("audit", "verify", env=env)
    assert audit.returncode == 0 and "Chaîne d'audit intègre" in audit.stdout, audit.stderr
    checked = _acquis("shell", "-c", CHECK_RESTORED, env=env)
    assert checked.returncode == 0, checked.stderr
    after = json.loads(checked.stdout.strip().splitlines()[-1])
    before = dict(IssuedDocument.objects.values_list("verification_code", "sha256"))
    assert {code: recorded for code, (recorded, _) in after["documents"].items()} == before
    assert all(recorded == actual for recorded, actual in after["documents"].values())
    assert after["badge"] is True
    assert after["badge_id"] == IssuedCredential.objects.order_by("pk").first().pk

    again = _acquis("restore", str(tmp_path / "sauvegarde"), env=env)
    assert again.returncode == 1
    assert "Restauration refusée, rien n'a été écrit" in again.stderr
    assert "la base de destination n'est pas vide" in again.stderr


def test_a_damaged_backup_is_refused_before_anything_is_written(keys, tmp_path):
    from acquis.ops.backup import restore

    call_command("credentials_key")
    call_command("backup", out=str(tmp_path / "sauvegarde"))
    key = tmp_path / "sauvegarde" / "cles" / "pdf-signature-cle.pem"
    key.write_bytes(key.read_bytes() + b"\n")
    with pytest.raises(BackupError, match="cles/pdf-signature-cle.pem ne correspond plus"):
        restore(tmp_path / "sauvegarde")
    with pytest.raises(CommandError, match="n'est pas vide ; donnez un dossier neuf"):
        call_command("backup", out=str(tmp_path / "sauvegarde"))
    (tmp_path / "ailleurs").mkdir()
    with pytest.raises(BackupError, match="manifeste.json introuvable"):
        restore(tmp_path / "ailleurs" / uuid.uuid4().hex)
