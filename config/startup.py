"""The entry points' common start: production settings unless told otherwise, and a
configuration error said in one French sentence on the standard error, never a traceback."""

import os
import sys

PRODUCTION = "config.settings.prod"


def configure() -> None:
    """Load the settings (config.settings.prod by default); exit 2 with the message on a
    missing or unsafe value."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", PRODUCTION)
    from django.conf import settings

    from config.env import ConfigurationError

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reading a setting loads the module
    except ConfigurationError as exc:
        module = os.environ["DJANGO_SETTINGS_MODULE"]
        hint = (
            " (pour développer sur sa machine : make run, ou "
            "DJANGO_SETTINGS_MODULE=config.settings.dev)"
            if module == PRODUCTION
            else ""
        )
        sys.stderr.write(f"Acquis ne démarre pas, réglages {module}{hint} :\n{exc}\n")
        sys.exit(2)
