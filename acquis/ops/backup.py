"""Backup and restore of an installation: the database, the stored files and the keys.

`backup(out)` writes into an empty folder:
  base.dump      PostgreSQL: `pg_dump --format=custom` (consistent snapshot, online)
  base.sqlite3   SQLite: the online backup API (consistent while the site runs)
  fichiers/…     every stored file (uploads, issued PDFs, accrochage files), read through
                 Django's storage API: a folder or an S3-compatible bucket alike
  cles/…         the PDF signing key and certificate, the badges' key file, the logo, and
                 each certifier's own keys (cles/certificateurs/certificateur-<id>/…)
  manifeste.json what, when, from which engine and migrations, and the SHA-256 and size of
                 every file above (also as SHA256SUMS, for `sha256sum -c`)

`restore(src)` checks every SHA-256 first, then refuses a database that is not empty, a
stored file or a key that exists with other content, or another engine; then restores and
verifies what the data rests on: each document's file against the SHA-256 recorded when it
was issued or uploaded, and the audit chain. Nothing is overwritten, nothing half-written is
left for a retry to trip on: a refusal happens before the first write.
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from acquis.audit.services import verify_chain
from acquis.credentials.models import IssuedDocument
from acquis.documents.models import Document
from acquis.errors import AcquisError
from acquis.exports.models import AccrochageBatch

FORMAT = "acquis-sauvegarde/1"
MANIFEST = "manifeste.json"
FILES = "fichiers"
KEYS = "cles"
CERTIFIER_KEYS = "certificateurs/"
SKIPPED_PREFIXES = ("sante/",)  # the readiness probe's own short-lived files
CHUNK = 1024 * 1024


class BackupError(AcquisError):
    """A backup or a restore refused; the message is in French and names what to fix."""


@dataclass
class Report:
    files: int = 0
    keys: int = 0
    documents_checked: int = 0
    audit_events: int = 0
    notes: list[str] = field(default_factory=list)


# --- helpers ---------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _sha256_stored(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _stored_names(prefix: str = ""):
    """Every file of the storage, recursively (folders and S3 prefixes alike)."""
    try:
        folders, files = default_storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{prefix}{name}"
    for folder in sorted(folders):
        yield from _stored_names(f"{prefix}{folder}/")


def _key_files() -> dict[str, Path]:
    """The keys and files the documents are signed and printed with, by a stable label."""
    candidates = {
        "pdf-signature-cle.pem": settings.ACQUIS_PDF_SIGNING_KEY,
        "pdf-signature-certificat.pem": settings.ACQUIS_PDF_SIGNING_CERT,
    }
    if not settings.ACQUIS_BADGE_KEY:
        candidates["badges-ed25519.key"] = settings.ACQUIS_BADGE_KEY_FILE
    if settings.ACQUIS_CERTIFIER_LOGO:
        logo = Path(settings.ACQUIS_CERTIFIER_LOGO)
        candidates[f"logo{logo.suffix}"] = logo
    # Each certifier's own keys (acquis/credentials/certifier_keys.py), by their folder.
    base = Path(settings.ACQUIS_CERTIFIER_KEYS_DIR)
    if base.is_dir():
        for path in sorted(base.rglob("*")):
            if path.is_file():
                candidates[CERTIFIER_KEYS + path.relative_to(base).as_posix()] = path
    return {label: Path(path) for label, path in candidates.items()}


def _key_target(keys: dict[str, Path], label: str) -> Path | None:
    """Where a saved key goes back: a certifier's own key into its folder under
    ACQUIS_CERTIFIER_KEYS_DIR (never outside it), the others where the settings say."""
    if label.startswith(CERTIFIER_KEYS):
        parts = label.removeprefix(CERTIFIER_KEYS).split("/")
        if any(part in ("", ".", "..") for part in parts):
            return None
        return Path(settings.ACQUIS_CERTIFIER_KEYS_DIR).joinpath(*parts)
    return keys.get(label)


def _engine() -> str:
    vendor = connections[DEFAULT_DB_ALIAS].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"Base {vendor} : seules PostgreSQL et SQLite sont prises en charge.")
    return vendor


def _pg_env() -> dict[str, str]:
    """libpq's variables: the password never appears on a command line."""
    db = connections[DEFAULT_DB_ALIAS].settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGUSER": db["USER"] or ""}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    if db.get("HOST"):
        env["PGHOST"] = db["HOST"]
    if db.get("PORT"):
        env["PGPORT"] = str(db["PORT"])
    return env


def _pg_tool(name: str) -> str:
    """pg_dump / pg_restore, at least as recent as the server (pg_dump refuses an older)."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} introuvable : installez le client PostgreSQL (paquet postgresql-client, "
            "de la version du serveur ou plus récente)."
        )
    found = re.search(r"(\d+)(?:\.\d+)?", subprocess.run(  # noqa: S603 - fixed arguments
        [path, "--version"], capture_output=True, text=True, check=False
    ).stdout)  # fmt: skip
    connection = connections[DEFAULT_DB_ALIAS]
    connection.ensure_connection()
    server = connection.pg_version // 10000
    if found is None or int(found.group(1)) < server:
        raise BackupError(
            f"{name} {found.group(1) if found else '?'} ne sait pas traiter un serveur "
            f"PostgreSQL {server} : installez le client PostgreSQL {server} ou plus récent."
        )
    return path


def _run(args: list[str], what: str) -> None:
    proc = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)  # noqa: S603
    if proc.returncode != 0:
        raise BackupError(f"{what} a échoué : {proc.stderr.strip()[-1000:]}")


def _leaf_migrations() -> list[str]:
    loader = MigrationLoader(connections[DEFAULT_DB_ALIAS], ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.applied_migrations)


# --- backup ----------------------------------------------------------------------------------


def backup(out: Path) -> dict:
    """Write a complete backup into `out` (absent or empty); its manifest."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"Sauvegarde : le dossier {out} n'est pas vide ; donnez un dossier neuf.")
    engine = _engine()
    out.mkdir(parents=True, exist_ok=True)
    entries: list[dict] = []

    def add(path: Path, kind: str, **extra) -> None:
        entries.append(
            {
                "chemin": path.relative_to(out).as_posix(),
                "type": kind,
                "sha256": _sha256_file(path),
                "taille": path.stat().st_size,
                **extra,
            }
        )

    if engine == "postgresql":
        target = out / "base.dump"
        pg_dump = _pg_tool("pg_dump")
        _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
             "pg_dump")  # fmt: skip
    else:
        target = out / "base.sqlite3"
        connection = connections[DEFAULT_DB_ALIAS]
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    add(target, "base")

    for name in _stored_names():
        if name.startswith(SKIPPED_PREFIXES):
            continue
        path = out / FILES / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, path.open("wb") as copy:
            shutil.copyfileobj(source, copy, CHUNK)
        add(path, "fichier", nom=name)

    notes = []
    for label, source in _key_files().items():
        if not source.is_file():
            notes.append(f"{label} absent ({source}) : non sauvegardé.")
            continue
        path = out / KEYS / label
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        shutil.copyfile(source, path)
        path.chmod(0o600)
        add(path, "cle", nom=label)
    if settings.ACQUIS_BADGE_KEY:
        notes.append("Clé des badges fournie par ACQUIS_BADGE_KEY : à conserver à part.")
    notes.append("SECRET_KEY et les autres variables d'environnement ne sont pas sauvegardées.")

    manifest = {
        "format": FORMAT,
        "cree_le": timezone.now().isoformat(),
        "moteur": engine,
        "migrations": _leaf_migrations(),
        "stockage": default_storage.__class__.__name__,
        "fichiers": entries,
        "remarques": notes,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    (out / "SHA256SUMS").write_text(
        "".join(f"{e['sha256']}  {e['chemin']}\n" for e in entries), encoding="utf-8"
    )
    return manifest


# --- restore ---------------------------------------------------------------------------------


def read_manifest(src: Path) -> dict:
    """The manifest, every listed file checked against its SHA-256 (BackupError naming it)."""
    src = Path(src)
    try:
        manifest = json.loads((src / MANIFEST).read_text())
    except FileNotFoundError as exc:
        raise BackupError(f"Restauration : {src / MANIFEST} introuvable.") from exc
    except ValueError as exc:
        raise BackupError(f"Restauration : {src / MANIFEST} illisible ({exc}).") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"Restauration : format « {manifest.get('format')} » inconnu ({FORMAT} attendu)."
        )
    for entry in manifest["fichiers"]:
        path = src / entry["chemin"]
        if not path.is_file():
            raise BackupError(f"Restauration : {entry['chemin']} manque dans la sauvegarde.")
        if _sha256_file(path) != entry["sha256"]:
            raise BackupError(
                f"Restauration : {entry['chemin']} ne correspond plus à son empreinte SHA-256 "
                "(fichier modifié ou abîmé) ; rien n'a été restauré."
            )
    return manifest


def _refusals(manifest: dict, src: Path) -> list[str]:
    """Everything that would make the restore overwrite or mix data, before any write."""
    problems = []
    engine = _engine()
    if manifest["moteur"] != engine:
        problems.append(
            f"la sauvegarde vient de {manifest['moteur']}, la base configurée est {engine} "
            "(DATABASE_URL)."
        )
    tables = connections[DEFAULT_DB_ALIAS].introspection.table_names()
    if tables:
        problems.append(
            f"la base de destination n'est pas vide ({len(tables)} tables) : restaurez dans "
            "une base neuve (créée vide, sans « acquis migrate »)."
        )
    keys = _key_files()
    for entry in manifest["fichiers"]:
        if entry["type"] == "fichier" and default_storage.exists(entry["nom"]):
            if _sha256_stored(entry["nom"]) != entry["sha256"]:
                problems.append(f"le fichier stocké {entry['nom']} existe avec un autre contenu.")
        elif entry["type"] == "cle":
            target = _key_target(keys, entry["nom"])
            if target is None:
                problems.append(
                    f"{entry['nom']} : aucun emplacement configuré pour cette clé "
                    "(ACQUIS_BADGE_KEY est-elle réglée ?)."
                )
            elif target.exists() and _sha256_file(target) != entry["sha256"]:
                problems.append(f"la clé {target} existe avec un autre contenu.")
    return problems


def restore(src: Path) -> Report:
    """Restore a backup into an empty database and storage; what was checked afterwards."""
    src = Path(src)
    manifest = read_manifest(src)
    problems = _refusals(manifest, src)
    if problems:
        raise BackupError(
            "Restauration refusée, rien n'a été écrit :\n"
            + "\n".join(f"- {problem}" for problem in problems)
        )
    report = Report(notes=list(manifest.get("remarques", [])))
    database = next(e for e in manifest["fichiers"] if e["type"] == "base")
    connection = connections[DEFAULT_DB_ALIAS]
    if manifest["moteur"] == "postgresql":
        pg_restore = _pg_tool("pg_restore")
        connection.close()
        _run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error",
              "--single-transaction", f"--dbname={connection.settings_dict['NAME']}",
              str(src / database["chemin"])], "pg_restore")  # fmt: skip
    else:
        connection.close()
        source = sqlite3.connect(src / database["chemin"])
        target = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()

    keys = _key_files()
    for entry in manifest["fichiers"]:
        path = src / entry["chemin"]
        if entry["type"] == "fichier":
            if default_storage.exists(entry["nom"]):
                continue  # same content (checked above)
            with path.open("rb") as handle:
                saved = default_storage.save(entry["nom"], File(handle))
            if saved != entry["nom"]:
                raise BackupError(f"Restauration : {entry['nom']} enregistré sous {saved}.")
            report.files += 1
        elif entry["type"] == "cle":
            target = _key_target(keys, entry["nom"])
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                shutil.copyfile(path, target)
                target.chmod(0o600)
            report.keys += 1
    return verify(report)


def verify(report: Report | None = None) -> Report:
    """Each stored document against the SHA-256 recorded with it, and the audit chain."""
    report = report or Report()
    problems = []
    for model in (IssuedDocument, Document, AccrochageBatch):
        for pk, name, expected in model.objects.values_list("pk", "file", "sha256").iterator():
            report.documents_checked += 1
            if not default_storage.exists(name):
                problems.append(f"{model._meta.verbose_name} n° {pk} : fichier {name} absent.")
            elif _sha256_stored(name) != expected:
                problems.append(
                    f"{model._meta.verbose_name} n° {pk} : {name} ne correspond plus à son "
                    "empreinte SHA-256."
                )
    chain = verify_chain()
    if not chain.ok:
        problems.append(
            f"chaîne d'audit rompue à l'événement n° {chain.broken_at.pk} : {chain.reason}."
        )
    report.audit_events = chain.checked
    if problems:
        raise BackupError("Vérification en échec :\n" + "\n".join(f"- {p}" for p in problems))
    return report
