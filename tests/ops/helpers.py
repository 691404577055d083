"""Production environments for the tests that start real processes (`acquis`, gunicorn)."""

import os
import secrets
import socket
import sys
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
