"""Production settings plus the bench-only URLconf and timing middleware (bench only)."""

from config.settings.prod import *  # noqa: F403
from config.settings.prod import MIDDLEWARE

ROOT_URLCONF = "autosave_urls"
MIDDLEWARE = ["autosave_urls.ServerTiming", *MIDDLEWARE]
