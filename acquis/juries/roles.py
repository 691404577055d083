"""The referential's jury composition rules and role labels.

Below both the models (a member's role label) and composition (the checks), which imports the
models: neither imports the other through this module."""

from __future__ import annotations

from typing import Any, Protocol

from acquis.juries.enums import JURY_RULE_KEY, JuryKind, JuryRole


class _Jury(Protocol):
    """What the rules are read from (a Deliberation), named without importing the models."""

    kind: str
    version: Any


def jury_rules(deliberation: _Jury) -> dict:
    """The referential's composition for this kind of jury ({} when it sets none)."""
    return deliberation.version.rules.get(JURY_RULE_KEY[JuryKind(deliberation.kind)]) or {}


def role_label(rules: dict, role: str) -> str:
    """The referential's label of a role ("représentant employeurs"), else the enum's."""
    for spec in rules.get("members") or []:
        if spec.get("role") == role and spec.get("label"):
            return spec["label"]
    return JuryRole(role).label.lower() if role in JuryRole.values else role
