"""What other apps do when a signed correction supersedes a decision.

A registry, so that the jury app does not import the apps that build on its decisions
(domain apps depend downwards only, as `referential/usage.py`): the credentials app
registers the revocation of the corrected decision's documents and badges. Hooks run in the
transaction of the last signature of the correction's PV: the correction and its
consequences are committed together or not at all.
"""

from collections.abc import Callable

_on_corrected: list[Callable] = []


def register_correction_hook(hook: Callable) -> None:
    """`hook(corrected, correction, *, actor)`; registering twice has no effect."""
    if hook not in _on_corrected:
        _on_corrected.append(hook)


def decision_corrected(corrected, correction, *, actor) -> None:
    for hook in _on_corrected:
        hook(corrected, correction, actor=actor)
