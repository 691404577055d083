"""Typed helpers to read settings from the environment (healthchecks style)."""

import os

from django.core.exceptions import ImproperlyConfigured


class ConfigurationError(ImproperlyConfigured):
    """A setting read from the environment is missing or unsafe; the message is in French and
    names the variable. `acquis` and the WSGI/ASGI entry points print it without a traceback."""


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on", "oui"}:
        return True
    if lowered in {"0", "false", "no", "off", "non"}:
        return False
    raise ConfigurationError(f"{name} doit valoir true ou false, pas « {value} ».")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigurationError(f"{name} doit être un nombre entier, pas « {value} ».") from exc


def envlist(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def envsecret(name: str, *, dev_default: str | None = None) -> str:
    """A secret: required in production, a fixed default only where one is given."""
    value = os.environ.get(name)
    if value:
        return value
    if dev_default is not None:
        return dev_default
    raise ConfigurationError(f"La variable d'environnement {name} est obligatoire.")
