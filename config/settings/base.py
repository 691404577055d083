"""Settings shared by every environment. Values come from the environment (config.env)."""

from pathlib import Path

import dj_database_url
from csp.constants import NONCE

from config.env import ConfigurationError, envbool, envint, envlist, envsecret, envstr

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
    "csp",
    # Before django_tasks_db: its `db_worker` command (with a heartbeat) wins over the library's.
    "acquis.ops",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "acquis.audit",
    "acquis.organisations",
    "acquis.referential",
    "acquis.documents",
    "acquis.candidates",
    "acquis.evaluations",
    "acquis.numbering",
    "acquis.juries",
    "acquis.credentials",
    "acquis.exports",
    "acquis.security",
    "acquis.rgpd",
    "acquis.integrations",
    "acquis.followup",
    "acquis.emails",
    "acquis.www",
    "acquis.api",
]

MIDDLEWARE = [
    # First: every response, redirects and static files included, carries the request id.
    "acquis.ops.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Accounts security: the verified second factor, then the page that asks for it.
    "django_otp.middleware.OTPMiddleware",
    "acquis.security.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "acquis.www.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

SILENCED_SYSTEM_CHECKS: list[str] = []

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
            # Numeric dates, cheap links and Jinja2 fragments on every screen without a {% load %}
            # (acquis/www/templatetags).
            "builtins": [
                "acquis.www.templatetags.dates",
                "acquis.www.templatetags.links",
                "acquis.www.templatetags.fragments",
            ],
        },
    },
]


# Forms (widgets and the project's field template) render with Jinja2: several times cheaper
# than the template language for these many small templates (acquis/www/form_renderer.py).
FORM_RENDERER = "acquis.www.form_renderer.FormRenderer"


def _database_from_env() -> dict:
    url = envstr("DATABASE_URL")
    if url:
        return dj_database_url.parse(
            url, conn_max_age=envint("DB_CONN_MAX_AGE", 0), conn_health_checks=True
        )
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # SQLite by default: WAL + IMMEDIATE transactions so that concurrent writers queue on
    # the busy timeout instead of failing on lock upgrade (conventions.md).
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": envstr("SQLITE_PATH", str(VAR_DIR / "acquis.sqlite3")),
        # A connection per server thread, kept between requests: opening one runs the
        # pragmas and registers Django's SQL functions, a fixed cost on every request.
        "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", 600),
        "CONN_HEALTH_CHECKS": True,
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
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:after_login"
LOGOUT_REDIRECT_URL = "public:home"

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Built by `acquis collectstatic` (hashed names, compressed), served by WhiteNoise with a
# one-year immutable cache; the image builds it into the image, outside the data volume.
STATIC_ROOT = Path(envstr("ACQUIS_STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_ROOT = Path(envstr("ACQUIS_MEDIA_ROOT", str(VAR_DIR / "media")))


def _default_storage() -> dict:
    """Uploaded and issued files: a folder (MEDIA_ROOT) or an S3-compatible bucket. Either
    way every read goes through Django's storage API and a permission-checked view."""
    kind = envstr("ACQUIS_STORAGE", "fichiers")
    if kind == "fichiers":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ConfigurationError(
            f"ACQUIS_STORAGE : « fichiers » ou « s3 » attendu, pas « {kind} »."
        )
    bucket = envstr("ACQUIS_S3_BUCKET")
    if not bucket:
        raise ConfigurationError(
            "ACQUIS_S3_BUCKET : le nom du compartiment est obligatoire avec ACQUIS_STORAGE=s3."
        )
    options = {
        "bucket_name": bucket,
        "endpoint_url": envstr("ACQUIS_S3_ENDPOINT_URL") or None,
        "region_name": envstr("ACQUIS_S3_REGION") or None,
        "access_key": envstr("ACQUIS_S3_ACCESS_KEY") or None,
        "secret_key": envstr("ACQUIS_S3_SECRET_KEY") or None,
        "location": envstr("ACQUIS_S3_PREFIX"),
        "addressing_style": envstr("ACQUIS_S3_ADDRESSING_STYLE") or None,
        "signature_version": "s3v4",
        # Private objects (no ACL: the bucket is private; some S3-compatible stores refuse
        # ACLs), never overwritten (a new name, as on disk), no public URL: downloads are
        # streamed by the views that check permissions.
        "default_acl": None,
        "file_overwrite": False,
        "querystring_auth": True,
        "querystring_expire": 60,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": _default_storage(),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Acquis <ne-pas-repondre@acquis.invalid>")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Sessions: at most ACQUIS_SESSION_HOURS after login, closed after ACQUIS_SESSION_IDLE_MINUTES
# without a request (acquis.www.middleware.SessionTimeoutMiddleware), ended with the browser.
SESSION_COOKIE_AGE = envint("ACQUIS_SESSION_HOURS", 8) * 3600
ACQUIS_SESSION_IDLE_SECONDS = envint("ACQUIS_SESSION_IDLE_MINUTES", 60) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True


# --- Behind a reverse proxy (TLS ended by nginx, Caddy, a load balancer…) -------------------
def _proxy_ssl_header() -> tuple[str, str] | None:
    """SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https": the header the proxy sets (and
    strips from the client's request) to say the request came over HTTPS."""
    value = envstr("SECURE_PROXY_SSL_HEADER")
    if not value:
        return None
    name, sep, expected = value.partition(":")
    if not sep or not name.strip() or not expected.strip():
        raise ConfigurationError(
            "SECURE_PROXY_SSL_HEADER : « En-Tête: valeur » attendu (par exemple "
            f"« X-Forwarded-Proto: https »), pas « {value} »."
        )
    return "HTTP_" + name.strip().upper().replace("-", "_"), expected.strip()


SECURE_PROXY_SSL_HEADER = _proxy_ssl_header()
USE_X_FORWARDED_HOST = envbool("USE_X_FORWARDED_HOST", False)
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# With SECURE_SSL_REDIRECT (production), the health probes still answer over plain HTTP: a
# load balancer or the container's healthcheck asks them inside the network.
SECURE_REDIRECT_EXEMPT = [r"^sante/"]
# Production checks that a document is issued from the public address (SITE_URL).
ACQUIS_CHECK_SITE_URL = False

# --- Content-Security-Policy (django-csp): nothing inline, nothing from elsewhere ----------
# The templates hold no inline script, style or event handler (static files only: htmx, the
# grid's script, one stylesheet). An inline script that must exist takes the request's nonce:
# <script nonce="{{ request.csp_nonce }}">; the nonce is added to the header only then.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy (django-permissions-policy): no page uses these browser features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# The built-in referential loaded by `make run` (OPS Conseil title).
ACQUIS_BUILTIN_REFERENTIAL = (
    BASE_DIR / "acquis" / "referential" / "data" / "ops-conseil-caci-isp.yaml"
)

# Logs on the standard error: text, or JSON lines (ACQUIS_LOG_FORMAT=json) for a log
# collector; every line carries the request id (X-Request-ID, given by the proxy or made).
# ACQUIS_LOG_REQUESTS=true adds one line per request (method, path, status, duration).
ACQUIS_LOG_FORMAT = envstr("ACQUIS_LOG_FORMAT", "texte")
if ACQUIS_LOG_FORMAT not in ("texte", "json"):
    raise ConfigurationError(
        f"ACQUIS_LOG_FORMAT : « texte » ou « json » attendu, pas « {ACQUIS_LOG_FORMAT} »."
    )
ACQUIS_LOG_REQUESTS = envbool("ACQUIS_LOG_REQUESTS", False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "acquis.ops.logs.RequestIdFilter"}},
    "formatters": {
        "texte": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s : %(message)s"},
        "json": {"()": "acquis.ops.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": ACQUIS_LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
    "loggers": {"acquis.requests": {"level": "INFO" if ACQUIS_LOG_REQUESTS else "WARNING"}},
}

# Uploads (PDF, DOCX, ODT checked by content): size limit in bytes.
ACQUIS_UPLOAD_MAX_BYTES = envint("ACQUIS_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# All the uploads of one candidacy together (current and replaced files), in bytes.
ACQUIS_UPLOAD_QUOTA_BYTES = envint("ACQUIS_UPLOAD_QUOTA_BYTES", 200 * 1024 * 1024)
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
# Each certifier's own keys (a folder per certifier, `certificateur-<id>`): its PDF signing
# key, certificate and chain (`pdf-signature-cle.pem`, `pdf-signature-certificat.pem`,
# `pdf-signature-chaine.pem`) and its badge key (`badges-ed25519.key`); a certifier without
# them signs with the installation's (acquis/credentials/certifier_keys.py).
ACQUIS_CERTIFIER_KEYS_DIR = Path(
    envstr("ACQUIS_CERTIFIER_KEYS_DIR", str(VAR_DIR / "keys" / "certificateurs"))
)
# Intermediate certificates of the signing certificate's chain (PEM files, comma-separated).
ACQUIS_PDF_SIGNING_CHAIN = [Path(p) for p in envlist("ACQUIS_PDF_SIGNING_CHAIN")]
# PAdES level (acquis/credentials/signing.py, docs/credentials.md): B-B (the demo), B-T (an
# RFC 3161 timestamp from ACQUIS_PDF_TSA_URL), B-LT (plus the revocation information, checked
# up to the trust anchors of ACQUIS_PDF_TRUST_ROOTS, PEM files, comma-separated).
ACQUIS_PDF_SIGNATURE_LEVEL = envstr("ACQUIS_PDF_SIGNATURE_LEVEL", "B-B")
ACQUIS_PDF_TSA_URL = envstr("ACQUIS_PDF_TSA_URL")
ACQUIS_PDF_TRUST_ROOTS = [Path(p) for p in envlist("ACQUIS_PDF_TRUST_ROOTS")]
# Printed on the documents: empty name = the certifier's name in the database; logo optional
# (PNG or SVG file path).
ACQUIS_CERTIFIER_DISPLAY_NAME = envstr("ACQUIS_CERTIFIER_DISPLAY_NAME", "")
ACQUIS_CERTIFIER_LOGO = envstr("ACQUIS_CERTIFIER_LOGO", "")
ACQUIS_SIGNATORY_NAME = envstr("ACQUIS_SIGNATORY_NAME", "")
ACQUIS_SIGNATORY_TITLE = envstr("ACQUIS_SIGNATORY_TITLE", "Responsable de la certification")
# Public verification (/verifier/<code>/): failed look-ups allowed per IP and window (seconds)
# (the IP as seen through ACQUIS_TRUSTED_PROXY_HEADER, acquis/security/network.py).
ACQUIS_VERIFY_MAX_FAILURES = envint("ACQUIS_VERIFY_MAX_FAILURES", 10)
ACQUIS_VERIFY_WINDOW_SECONDS = envint("ACQUIS_VERIFY_WINDOW_SECONDS", 600)

# --- Background work: the Django Tasks API (django-tasks backport), database backend ----------
# Issuing batches (acquis/credentials/batches.py) are tasks stored in the database and run by
# `acquis db_worker` (started beside runserver by `make run`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A running batch whose worker gave no news for this long (seconds) may be resumed.
ACQUIS_BATCH_STALE_SECONDS = envint("ACQUIS_BATCH_STALE_SECONDS", 300)
# Each worker writes its heartbeat this often (seconds); /sante/pret/ reports the age of the
# latest one and says "no worker" past ACQUIS_WORKER_SILENT_SECONDS.
ACQUIS_WORKER_HEARTBEAT_SECONDS = envint("ACQUIS_WORKER_HEARTBEAT_SECONDS", 15)
ACQUIS_WORKER_SILENT_SECONDS = envint("ACQUIS_WORKER_SILENT_SECONDS", 60)

# --- Open Badges 3.0 (part "badges", acquis/credentials/badges.py) ---
# Ed25519 signing key of the installation's badges, multibase (Multikey secretKeyMultibase,
# "z3u2…"); when empty, read from ACQUIS_BADGE_KEY_FILE (`acquis credentials keygen` writes a
# demo key there). The issuer: see ACQUIS_BADGE_ISSUER_METHOD below.
ACQUIS_BADGE_KEY = envstr("ACQUIS_BADGE_KEY")
# Issuer identifier of the badges: "did:key" (default, resolves offline) or "did:web" (the
# installation's domain, from SITE_URL; its DID document is served at /.well-known/did.json).
ACQUIS_BADGE_ISSUER_METHOD = envstr("ACQUIS_BADGE_ISSUER_METHOD", "did:key")
if ACQUIS_BADGE_ISSUER_METHOD not in ("did:key", "did:web"):
    raise ConfigurationError(
        "ACQUIS_BADGE_ISSUER_METHOD : « did:key » ou « did:web » attendu, pas "
        f"« {ACQUIS_BADGE_ISSUER_METHOD} »."
    )
ACQUIS_BADGE_KEY_FILE = Path(
    envstr("ACQUIS_BADGE_KEY_FILE", str(VAR_DIR / "keys" / "badges-ed25519.key"))
)
# Keys replaced by ACQUIS_BADGE_KEY (multibase, comma-separated): they sign the status lists
# of the badges issued with them (their did:key), and stay in the did:web document.
ACQUIS_BADGE_RETIRED_KEYS = envlist("ACQUIS_BADGE_RETIRED_KEYS")

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

# --- Accounts security: throttling, two-factor authentication, trusted proxy ---------------
# Every password check with a request goes through the throttled backend (per account and
# per IP, acquis/security/backends.py).
AUTHENTICATION_BACKENDS = ["acquis.security.backends.ThrottledModelBackend"]
# The client IP behind a reverse proxy: the META name of the header the proxy sets
# ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP"); empty (default): REMOTE_ADDR only, since a
# header that reaches the application directly is written by the client. With several
# proxies in front, ACQUIS_TRUSTED_PROXY_COUNT says how many (the client is that many
# entries from the right of X-Forwarded-For).
ACQUIS_TRUSTED_PROXY_HEADER = envstr("ACQUIS_TRUSTED_PROXY_HEADER", "")
ACQUIS_TRUSTED_PROXY_COUNT = envint("ACQUIS_TRUSTED_PROXY_COUNT", 1)
# Attempts allowed per scope: `limit` within `window` seconds, then a lock of `lock` seconds.
_LOGIN_LOCK = envint("ACQUIS_LOGIN_LOCK_SECONDS", 900)
ACQUIS_THROTTLES = {
    # Passwords and second-factor codes of one account (login, PV signature, code step).
    "login.account": {
        "limit": envint("ACQUIS_LOGIN_MAX_FAILURES", 5),
        "window": 900,
        "lock": _LOGIN_LOCK,
    },
    # Failed logins from one IP address, whatever the account (an office shares one IP).
    "login.ip": {
        "limit": envint("ACQUIS_LOGIN_IP_MAX_FAILURES", 30),
        "window": 900,
        "lock": _LOGIN_LOCK,
    },
    # Dead invitation links tried from one IP address.
    "invitation.ip": {"limit": 10, "window": 900, "lock": 900},
    # Password-reset e-mails per address (more requests: the page says the same, nothing sent).
    "reset.email": {"limit": envint("ACQUIS_RESET_MAX_PER_HOUR", 3), "window": 3600, "lock": 3600},
    # Password-reset requests per IP address.
    "reset.ip": {"limit": 20, "window": 3600, "lock": 3600},
    # Badge checks (/badges/verifier/) per IP address: each one costs a canonicalisation.
    "badge_check.ip": {"limit": envint("ACQUIS_BADGE_CHECK_MAX", 30), "window": 600, "lock": 600},
}
# The issuer shown by authenticator applications beside the account.
OTP_TOTP_ISSUER = envstr("ACQUIS_OTP_ISSUER", "Acquis")

# --- Audit trail: signed checkpoints ---------------------------------------------------------
# `acquis audit verify` warns when the latest signed checkpoint is older than this (the
# maintenance task writes one a day).
ACQUIS_AUDIT_CHECKPOINT_MAX_AGE_HOURS = envint("ACQUIS_AUDIT_CHECKPOINT_MAX_AGE_HOURS", 36)

# --- Data protection (RGPD): retention policy per record type, in days (docs/rgpd.md) ------
# Legal records (decisions, PVs, issued documents, badges, held blocks, audit trail) are
# kept and have no entry here. The daily maintenance applies these (`acquis rgpd purge`).
ACQUIS_RETENTION = {
    # Files uploaded to a candidacy, after it closed (decided, withdrawn, abandoned, refused).
    "uploads_after_closing": envint("ACQUIS_RETENTION_UPLOADS_DAYS", 2 * 365),
    # A candidate's e-mail, phone and address, after their last candidacy closed.
    "contact_after_closing": envint("ACQUIS_RETENTION_CONTACT_DAYS", 3 * 365),
    # Counters of failed attempts (no lock in force).
    "throttle_counters": envint("ACQUIS_RETENTION_THROTTLE_DAYS", 30),
    # Insertion survey answers stay linked to the person this long after the campaign closed,
    # then are pseudonymised (docs/followup.md).
    "survey_answers_link": envint("ACQUIS_RETENTION_SURVEY_LINK_DAYS", 90),
    # The e-mail log (what was sent, to whom): not a legal record (docs/emails.md).
    "email_log": envint("ACQUIS_RETENTION_EMAIL_LOG_DAYS", 365),
}

# --- Reminders before deadlines, sent by the daily maintenance (docs/emails.md) -------------
ACQUIS_REMINDERS = {
    "enabled": envbool("ACQUIS_REMINDERS_ENABLED", True),
    # Days before the session's deliverables deadline: candidates missing a deliverable.
    "deliverables_days": envint("ACQUIS_REMINDERS_DELIVERABLES_DAYS", 3),
    # Days before the memoir deadline: candidates whose memoir is not deposited.
    "memoir_days": envint("ACQUIS_REMINDERS_MEMOIR_DAYS", 7),
    # Days before a sitting: convoked candidates who have not confirmed their presence.
    "convocation_enabled": envbool("ACQUIS_REMINDERS_CONVOCATION_ENABLED", True),
    "convocation_days": envint("ACQUIS_REMINDERS_CONVOCATION_DAYS", 3),
}

# --- Insertion surveys of holders (docs/followup.md) ----------------------------------------
ACQUIS_FOLLOWUP = {
    # Delays after the decision offered for new campaigns, in months.
    "delays": [6, 24],
    # Partial validations surveyed too, by default, in a new campaign.
    "include_partial": envbool("ACQUIS_FOLLOWUP_INCLUDE_PARTIAL", False),
    # Reminders at most, to who has not answered.
    "reminders": envint("ACQUIS_FOLLOWUP_REMINDERS", 2),
    # No figure on fewer answers than this (small-number suppression).
    "min_answers": envint("ACQUIS_FOLLOWUP_MIN_ANSWERS", 5),
}

# --- Dates typed in forms: the formats the candidates import accepts too -------------------
FORMAT_MODULE_PATH = ["config.formats"]
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

# Candidacy XLSX exports: up to this many rows the file is written inside the request; above,
# by the worker (acquis.candidates.export_jobs), its file kept this many days.
ACQUIS_EXPORT_BACKGROUND_ROWS = envint("ACQUIS_EXPORT_BACKGROUND_ROWS", 2000)
ACQUIS_EXPORT_RETENTION_DAYS = envint("ACQUIS_EXPORT_RETENTION_DAYS", 7)
