"""Settings shared by every environment. Values come from the environment (config.env)."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import envbool, envint, envlist, envsecret, envstr

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(envstr("ACQUIS_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = envsecret("SECRET_KEY", dev_default="dev-only-insecure-key-change-me")
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "acquis.audit",
    "acquis.organisations",
    "acquis.referential",
    "acquis.documents",
    "acquis.candidates",
    "acquis.evaluations",
    "acquis.juries",
    "acquis.credentials",
    "acquis.exports",
    "acquis.integrations",
    "acquis.www",
    "acquis.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "acquis.www.context_processors.navigation",
            ],
        },
    },
]


def _database_from_env() -> dict:
    url = envstr("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=envint("DB_CONN_MAX_AGE", 0))
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # SQLite by default: WAL + IMMEDIATE transactions so that concurrent writers queue on
    # the busy timeout instead of failing on lock upgrade (conventions.md).
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": envstr("SQLITE_PATH", str(VAR_DIR / "acquis.sqlite3")),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DATABASES = {"default": _database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisations.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "after_login"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Acquis <ne-pas-repondre@acquis.invalid>")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# The built-in referential loaded by `make run` (OPS Conseil title).
ACQUIS_BUILTIN_REFERENTIAL = (
    BASE_DIR / "acquis" / "referential" / "data" / "ops-conseil-caci-isp.yaml"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}

# Uploads (PDF, DOCX, ODT checked by content): size limit in bytes.
ACQUIS_UPLOAD_MAX_BYTES = envint("ACQUIS_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Issue 6, part "documents": certificates, attestations, PAdES signature, verification --
# Key and certificate of the certifier that sign the PDFs (PAdES, pyHanko); `make run` creates
# a self-signed demo pair there when absent (`acquis credentials_key`).
ACQUIS_PDF_SIGNING_KEY = Path(
    envstr("ACQUIS_PDF_SIGNING_KEY", str(VAR_DIR / "credentials" / "pdf-signing-key.pem"))
)
ACQUIS_PDF_SIGNING_CERT = Path(
    envstr("ACQUIS_PDF_SIGNING_CERT", str(VAR_DIR / "credentials" / "pdf-signing-cert.pem"))
)
# Printed on the documents: empty name = the certifier's name in the database; logo optional
# (PNG or SVG file path).
ACQUIS_CERTIFIER_DISPLAY_NAME = envstr("ACQUIS_CERTIFIER_DISPLAY_NAME", "")
ACQUIS_CERTIFIER_LOGO = envstr("ACQUIS_CERTIFIER_LOGO", "")
ACQUIS_SIGNATORY_NAME = envstr("ACQUIS_SIGNATORY_NAME", "")
ACQUIS_SIGNATORY_TITLE = envstr("ACQUIS_SIGNATORY_TITLE", "Responsable de la certification")
# Public verification (/verifier/<code>/): failed look-ups allowed per IP and window (seconds).
ACQUIS_VERIFY_MAX_FAILURES = envint("ACQUIS_VERIFY_MAX_FAILURES", 10)
ACQUIS_VERIFY_WINDOW_SECONDS = envint("ACQUIS_VERIFY_WINDOW_SECONDS", 600)

# --- Background work: the Django Tasks API (django-tasks backport), database backend ----------
# Issuing batches (acquis/credentials/batches.py) are tasks stored in the database and run by
# `acquis db_worker` (started beside runserver by `make run`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A running batch whose worker gave no news for this long (seconds) may be resumed.
ACQUIS_BATCH_STALE_SECONDS = envint("ACQUIS_BATCH_STALE_SECONDS", 300)

# --- Open Badges 3.0 (part "badges", acquis/credentials/badges.py) ---
# Ed25519 signing key of the installation's badges, multibase (Multikey secretKeyMultibase,
# "z3u2…"); when empty, read from ACQUIS_BADGE_KEY_FILE (`acquis credentials keygen` writes a
# demo key there). The issuer: see ACQUIS_BADGE_ISSUER_METHOD below.
ACQUIS_BADGE_KEY = envstr("ACQUIS_BADGE_KEY")
# Issuer identifier of the badges: "did:key" (default, resolves offline) or "did:web" (the
# installation's domain, from SITE_URL; its DID document is served at /.well-known/did.json).
ACQUIS_BADGE_ISSUER_METHOD = envstr("ACQUIS_BADGE_ISSUER_METHOD", "did:key")
if ACQUIS_BADGE_ISSUER_METHOD not in ("did:key", "did:web"):
    raise ImproperlyConfigured(
        "ACQUIS_BADGE_ISSUER_METHOD : « did:key » ou « did:web » attendu, pas "
        f"« {ACQUIS_BADGE_ISSUER_METHOD} »."
    )
ACQUIS_BADGE_KEY_FILE = Path(
    envstr("ACQUIS_BADGE_KEY_FILE", str(VAR_DIR / "keys" / "badges-ed25519.key"))
)

# --- Issue 6, part "accrochage": CDC accrochage export (docs: ../shared/docs/formats.md §2) --
# Identifiers given by the Caisse des Dépôts: idClient of the certifier and of the sender
# (8 characters; the sender defaults to the certifier) and the certifier's idContrat.
ACQUIS_ACCROCHAGE_CERTIFIER_ID = envstr("ACQUIS_ACCROCHAGE_CERTIFIER_ID", "")
ACQUIS_ACCROCHAGE_EMITTER_ID = envstr("ACQUIS_ACCROCHAGE_EMITTER_ID", "")
ACQUIS_ACCROCHAGE_CONTRACT_ID = envstr("ACQUIS_ACCROCHAGE_CONTRACT_ID", "")
# The XSD every file is validated against (swap it for a newer kit's without code change).
ACQUIS_ACCROCHAGE_XSD = Path(
    envstr(
        "ACQUIS_ACCROCHAGE_XSD",
        str(BASE_DIR / "acquis" / "exports" / "xsd" / "cdc_xsd_v1.1.2_kit_v2.0.0.xsd"),
    )
)
# Prefix of the idTechnique of each declared award: "<prefix>-<decision id>[-<block code>]".
ACQUIS_ACCROCHAGE_ID_PREFIX = envstr("ACQUIS_ACCROCHAGE_ID_PREFIX", "ACQ")

# --- Machine API and webhooks (docs/api.md) ---
# Django's cache: in-process memory by default (the API's rate limits then count per
# process); CACHE_URL=redis://host:6379/0 shares them between processes (Django's own Redis
# backend), CACHE_URL=db://table_name uses the database (`acquis createcachetable` first).
_cache_url = envstr("CACHE_URL")
if _cache_url.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
        }
    }
elif _cache_url.startswith("db://"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": _cache_url.removeprefix("db://") or "acquis_cache",
        }
    }
# Requests per minute and per API client (a client may have its own limit).
ACQUIS_API_RATE_LIMIT = envint("ACQUIS_API_RATE_LIMIT", 120)
# How long a POST's Idempotency-Key is remembered (hours).
ACQUIS_API_IDEMPOTENCY_HOURS = envint("ACQUIS_API_IDEMPOTENCY_HOURS", 24)
# Webhooks: timeout of one POST (s), attempts per delivery, first retry delay (s, doubled at
# each attempt), failed attempts in a row that disable a subscription.
ACQUIS_WEBHOOK_TIMEOUT = envint("ACQUIS_WEBHOOK_TIMEOUT", 10)
ACQUIS_WEBHOOK_MAX_ATTEMPTS = envint("ACQUIS_WEBHOOK_MAX_ATTEMPTS", 8)
ACQUIS_WEBHOOK_RETRY_BASE_SECONDS = envint("ACQUIS_WEBHOOK_RETRY_BASE_SECONDS", 30)
ACQUIS_WEBHOOK_DISABLE_AFTER = envint("ACQUIS_WEBHOOK_DISABLE_AFTER", 15)
# Plain http:// receivers, and receivers on private or loopback addresses: development only
# (in production they would let a client make the server call its own network).
ACQUIS_WEBHOOK_ALLOW_HTTP = envbool("ACQUIS_WEBHOOK_ALLOW_HTTP", False)
ACQUIS_WEBHOOK_ALLOW_PRIVATE = envbool("ACQUIS_WEBHOOK_ALLOW_PRIVATE", False)
