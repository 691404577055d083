"""What other apps check before a candidacy is presented to the jury ("Présenter au jury").

A registry, so that the candidate app does not import the apps built on it (domain apps
depend downwards only, as `referential/usage.py`): the jury app registers the check of the
evidence the engine needs (work placement and its attestation, memoir checked, memoir oral
passed; `acquis.juries.prerequisites`).
"""

from collections.abc import Callable

_checks: list[Callable] = []


def register_jury_prerequisites(check: Callable) -> None:
    """`check(candidacy) -> list[str]`: what is missing, in French; registering twice has no
    effect."""
    if check not in _checks:
        _checks.append(check)


def missing_for_jury(candidacy) -> list[str]:
    return [problem for check in _checks for problem in check(candidacy)]
