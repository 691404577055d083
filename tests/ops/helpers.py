"""Production environments for the tests that start real processes (`acquis`, gunicorn)."""

import os
import secrets
import socket
import sys
import time
from pathlib import Path

from django.db import connection

REPO = Path(__file__).resolve().parents[2]
ACQUIS = str(Path(sys.executable).with_name("acquis"))


def production_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The documented production environment (docs/deployment.md), on this machine."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "ACQUIS_", "SITE_URL", "SECRET_KEY", "ALLOWED_HOSTS"))
        and k not in ("DATABASE_URL", "DEBUG", "PYTEST_CURRENT_TEST")
    }
    env |= {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "acquis.example.fr",
        "SITE_URL": "https://acquis.example.fr",
        "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https",
        "ACQUIS_VAR_DIR": str(var_dir),
    }
    return env | extra


def database_url() -> str:
    """The test database, for a process started by the test (PostgreSQL)."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition, *, timeout: float, what: str):
    """The first true value of condition(), polled; AssertionError naming `what` after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"délai dépassé : {what}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_env(settings, tmp_path) -> dict[str, str]:
    """A process on the test database with the test's keys and address (config.settings.test)."""
    return {
        **{k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"},
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "ACQUIS_VAR_DIR": str(tmp_path / "var"),
        "ACQUIS_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "ACQUIS_PDF_SIGNING_KEY": str(settings.ACQUIS_PDF_SIGNING_KEY),
        "ACQUIS_PDF_SIGNING_CERT": str(settings.ACQUIS_PDF_SIGNING_CERT),
        "ACQUIS_BADGE_KEY": settings.ACQUIS_BADGE_KEY,
        "SITE_URL": settings.SITE_URL,
    }


def _clone(model, row, **changes):
    values = {
        f.attname: getattr(row, f.attname)
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname not in changes
    }
    return model(**values, **changes)


def clone_decisions(template, count: int) -> None:
    """`count` copies of a signed decision in its deliberation (new candidate, candidacy,
    decision and held blocks, in bulk): many decisions to issue without minutes of set-up."""
    from acquis.candidates.models import Candidacy, Candidate, identity_key
    from acquis.juries.models import Decision, HeldBlock

    person, candidacy = template.candidacy.candidate, template.candidacy
    held = list(HeldBlock.objects.filter(decision=template))
    people = Candidate.objects.bulk_create(
        [
            _clone(
                Candidate,
                person,
                birth_name=f"Titulaire{i:04d}",
                user_id=None,
                email=f"t{i}@exemple.fr",
                identity_key=identity_key(
                    f"Titulaire{i:04d}", person.first_name, person.birth_date
                ),
            )
            for i in range(count)
        ]
    )
    files = Candidacy.objects.bulk_create(
        [_clone(Candidacy, candidacy, candidate_id=p.pk) for p in people]
    )
    decisions = Decision.objects.bulk_create(
        [_clone(Decision, template, candidacy_id=c.pk) for c in files]
    )
    HeldBlock.objects.bulk_create(
        [
            _clone(HeldBlock, row, decision_id=d.pk, candidate_id=c.candidate_id)
            for d, c in zip(decisions, files, strict=True)
            for row in held
        ]
    )
