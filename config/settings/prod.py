"""Production: the default of `acquis` and of the WSGI/ASGI entry points.

Every secret and address comes from the environment (docs/deployment.md lists them); an
unsafe or missing value stops the start with a French message naming the variable
(config.env.ConfigurationError), never a default that would put the site online unsafely.
With the documented environment, `acquis check --deploy` prints no warning.
"""

from urllib.parse import urlsplit

from django.http.request import validate_host

from config.env import ConfigurationError, envbool, envint, envlist, envstr
from config.settings.base import *  # noqa: F403
from config.settings.base import SILENCED_SYSTEM_CHECKS as _SILENCED

# Django's own weak-key test (security.W009): fewer than 50 characters or 5 distinct ones.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE = 5
DEV_KEYS = {"dev-only-insecure-key-change-me", "test-only-key"}
MAKE_KEY = 'python3 -c "import secrets; print(secrets.token_urlsafe(50))"'

if envbool("DEBUG", False):
    raise ConfigurationError(
        "DEBUG : le mode débogage est refusé en production (il montre le code et les "
        "réglages à tout visiteur). Retirez DEBUG, ou lancez le développement avec "
        "DJANGO_SETTINGS_MODULE=config.settings.dev."
    )
DEBUG = False


def _secret_key() -> str:
    key = envstr("SECRET_KEY")
    if not key:
        raise ConfigurationError(
            "SECRET_KEY : variable obligatoire en production (elle signe les sessions et les "
            f"liens). Créez-en une avec : {MAKE_KEY}"
        )
    if (
        key in DEV_KEYS
        or key.startswith("django-insecure-")
        or len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE
    ):
        raise ConfigurationError(
            f"SECRET_KEY : clé trop faible (au moins {SECRET_KEY_MIN_LENGTH} caractères dont "
            f"{SECRET_KEY_MIN_UNIQUE} différents, jamais une clé d'exemple). Créez-en une "
            f"avec : {MAKE_KEY}"
        )
    return key


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ConfigurationError(
        "ALLOWED_HOSTS : variable obligatoire en production, les noms de domaine servis "
        "séparés par des virgules (par exemple « acquis.mon-organisme.fr »)."
    )


def _site_url() -> str:
    """The public address (QR codes, signed documents, badges, e-mails, calendar files)."""
    value = envstr("SITE_URL").rstrip("/")
    if not value:
        raise ConfigurationError(
            "SITE_URL : variable obligatoire en production, l'adresse publique du site "
            "(par exemple « https://acquis.mon-organisme.fr ») ; elle est imprimée sur les "
            "documents signés et dans les codes QR."
        )
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
        raise ConfigurationError(
            f"SITE_URL : une adresse « https://nom-de-domaine » est attendue, pas « {value} »."
        )
    if not validate_host(parts.hostname, ALLOWED_HOSTS):
        raise ConfigurationError(
            f"SITE_URL : son nom d'hôte « {parts.hostname} » n'est pas dans ALLOWED_HOSTS "
            f"({', '.join(ALLOWED_HOSTS)})."
        )
    return value


SITE_URL = _site_url()
ACQUIS_CHECK_SITE_URL = True
# The public address is a trusted origin for forms (the proxy's scheme and host).
CSRF_TRUSTED_ORIGINS = [
    *CSRF_TRUSTED_ORIGINS,  # noqa: F405
    f"{urlsplit(SITE_URL).scheme}://{urlsplit(SITE_URL).netloc}",
]

# HTTPS everywhere: redirect (but the health probes: SECURE_REDIRECT_EXEMPT), HSTS, cookies
# sent over TLS only.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", True)
# Joining the browsers' HSTS preload list is a decision of the domain's owner (it binds every
# subdomain for months): off unless SECURE_HSTS_PRELOAD=true, so its reminder is silenced.
SILENCED_SYSTEM_CHECKS = [*_SILENCED, *([] if SECURE_HSTS_PRELOAD else ["security.W021"])]

# One line per request by default in production (the request id ties it to the other lines).
ACQUIS_LOG_REQUESTS = envbool("ACQUIS_LOG_REQUESTS", True)
LOGGING["loggers"]["acquis.requests"]["level"] = "INFO" if ACQUIS_LOG_REQUESTS else "WARNING"  # noqa: F405
