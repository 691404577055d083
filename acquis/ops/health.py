"""Health of an installation, for /sante/pret/ and `acquis serve`: each check says ok or not
with a French message, and nothing secret (no address, password or exception text: the
detail goes to the server's log, under the request id).

Critical checks (database, storage, migrations, keys, static files) make the readiness probe
answer 503: this process cannot serve correctly. The worker's heartbeat is not critical: the
pages work without a worker, only the issuing batches wait; its age is reported.
"""

import logging
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from acquis.ops.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


@dataclass
class Check:
    ok: bool
    critical: bool = True
    message: str = ""
    details: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        data = asdict(self)
        data.update(data.pop("details"))
        data["critique"] = data.pop("critical")
        if not data["message"]:
            data.pop("message")
        return data


def _failed(what: str, message: str, error: Exception, *, critical: bool = True) -> Check:
    # One line for the operator's log (the cause, without a traceback); the answer keeps
    # only the French message.
    detail = " ".join(str(error).split())[:500]
    logger.warning("Contrôle de santé en échec : %s (%s: %s)", what, type(error).__name__, detail)
    return Check(ok=False, critical=critical, message=message)


def database() -> Check:
    started = time.perf_counter()
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        connections[DEFAULT_DB_ALIAS].close()
        return _failed(
            "base de données",
            "Base de données injoignable : vérifiez DATABASE_URL et que le serveur répond.",
            error,
        )
    return Check(ok=True, details={"duree_ms": round((time.perf_counter() - started) * 1000, 1)})


def storage() -> Check:
    """Write, read back and delete a small file through the storage API (folder or bucket)."""
    started = time.perf_counter()
    body = f"acquis {uuid.uuid4().hex}".encode()
    name = None
    try:
        name = default_storage.save(f"sante/{uuid.uuid4().hex}.txt", ContentFile(body))
        with default_storage.open(name, "rb") as handle:
            read = handle.read()
        if read != body:
            raise OSError("contenu relu différent")
    except Exception as error:
        return _failed(
            "stockage",
            "Stockage des fichiers inutilisable (écriture ou relecture impossible) : vérifiez "
            "ACQUIS_MEDIA_ROOT et ses droits, ou les réglages ACQUIS_S3_*.",
            error,
        )
    finally:
        if name is not None:
            try:
                default_storage.delete(name)
            except Exception:
                logger.warning("Fichier de contrôle %s non supprimé", name, exc_info=True)
    return Check(ok=True, details={"duree_ms": round((time.perf_counter() - started) * 1000, 1)})


def worker() -> Check:
    try:
        latest = WorkerHeartbeat.objects.latest_seen()
        alive = WorkerHeartbeat.objects.filter(
            seen_at__gte=timezone.now() - timedelta(seconds=settings.ACQUIS_WORKER_SILENT_SECONDS)
        ).count()
    except Exception as error:
        return _failed("processus de traitement", "Signes de vie des processus illisibles.", error)
    if latest is None:
        return Check(
            ok=False,
            critical=False,
            message="Aucun processus de traitement (acquis db_worker) n'a donné signe de vie : "
            "les lots de délivrance attendront.",
            details={"age_secondes": None, "processus": 0},
        )
    age = round((timezone.now() - latest.seen_at).total_seconds())
    if not alive:
        return Check(
            ok=False,
            critical=False,
            message=f"Aucun processus de traitement actif : dernier signe de vie il y a {age} s.",
            details={"age_secondes": age, "processus": 0},
        )
    return Check(ok=True, critical=False, details={"age_secondes": age, "processus": alive})


_migrations_applied = False  # once up to date, a process stays so (its code cannot change)


def migrations() -> Check:
    global _migrations_applied
    if _migrations_applied:
        return Check(ok=True, details={"en_attente": 0})
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:
        return _failed("migrations", "État des migrations illisible (base injoignable ?).", error)
    if plan:
        return Check(
            ok=False,
            message=f"{len(plan)} migration(s) à appliquer : lancez « acquis migrate ».",
            details={"en_attente": len(plan)},
        )
    _migrations_applied = True
    return Check(ok=True, details={"en_attente": 0})


def keys() -> Check:
    """The PDF signing key and certificate, and the badges' key, are present and readable:
    the installation's, and those of each certifier that has its own."""
    # start-up: the signing and badge modules bring cryptography's X.509 and the JSON-LD
    # canonicaliser's modules; the system checks import this module for every `acquis`
    # command (docs/testing.md, Démarrage).
    from acquis.credentials import badges, signing

    problems = []
    try:
        signing.check_signer()
    except signing.SigningError as exc:
        problems.append(str(exc))
    try:
        badges.signing_key()
    except badges.BadgeError as exc:
        problems.append(str(exc))
    problems += _certifier_key_problems()
    if problems:
        return Check(ok=False, message=" ".join(problems))
    return Check(ok=True)


def _certifier_key_problems() -> list[str]:
    """The own keys of the certifiers that have some (their folder exists): readable, and a
    PDF pair whole."""
    from acquis.credentials import badges, certifier_keys, signing  # start-up: as in keys()

    problems = []
    try:
        certifiers = certifier_keys.with_own_keys()
    except DatabaseError:
        return []  # the database check says so
    for certifier in certifiers:
        try:
            signing.check_signer(certifier)
        except signing.SigningError as exc:
            problems.append(f"{certifier.name} : {exc}")
        try:
            badges.own_key(certifier)
        except badges.BadgeError as exc:
            problems.append(f"{certifier.name} : {exc}")
    return problems


def static_files() -> Check:
    """The manifest of hashed names exists (`acquis collectstatic`); without it every page
    fails. Settings that serve static files unhashed (dev, tests) have nothing to build."""
    if not hasattr(staticfiles_storage, "read_manifest"):
        return Check(ok=True, details={"manifeste": False})
    try:
        manifest = staticfiles_storage.read_manifest()
    except Exception:
        manifest = None
    if not manifest:
        return Check(
            ok=False,
            message="Fichiers statiques absents : lancez « acquis collectstatic --no-input » "
            f"(dossier {settings.STATIC_ROOT}).",
        )
    return Check(ok=True, details={"manifeste": True})


CHECKS = {
    "base_de_donnees": database,
    "migrations": migrations,
    "stockage": storage,
    "cles": keys,
    "fichiers_statiques": static_files,
    "processus_de_traitement": worker,
}


def readiness() -> tuple[str, dict[str, Check]]:
    """("pret" | "degrade" | "indisponible", the checks by name). Without a database the
    checks that read it are skipped (one message, not three)."""
    results: dict[str, Check] = {}
    for name, check in CHECKS.items():
        if name in ("migrations", "processus_de_traitement") and not results["base_de_donnees"].ok:
            results[name] = Check(
                ok=False,
                critical=name == "migrations",
                message="Non vérifié : base de données injoignable.",
            )
            continue
        results[name] = check()
    if any(not c.ok and c.critical for c in results.values()):
        return "indisponible", results
    if any(not c.ok for c in results.values()):
        return "degrade", results
    return "pret", results
