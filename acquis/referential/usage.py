"""Whether a version is in use: apps that register candidates on a version add a check here.

Kept as a registry so that the referential app does not import the candidate app
(domain apps depend downwards only).
"""

from collections.abc import Callable

_checks: list[Callable] = []


def register_usage_check(check: Callable) -> None:
    _checks.append(check)


def version_in_use(version) -> bool:
    return any(check(version) for check in _checks)
