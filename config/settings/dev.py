from urllib.parse import urlsplit

from config.env import envstr
from config.settings.base import *  # noqa: F403

DEBUG = True
# `make run HOST=…` sets SITE_URL: its host is served too.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, urlsplit(SITE_URL).hostname or "127.0.0.1"]  # noqa: F405
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Webhook receivers on this machine (the demo's, the tests' local servers).
ACQUIS_WEBHOOK_ALLOW_HTTP = True
ACQUIS_WEBHOOK_ALLOW_PRIVATE = True
