"""Where a certification rule comes from: the source referential, or the certifier's practice.

A referential file quotes the source for the rules it takes from it (the `text` keys of
`rules`) and states in `rules.practice` the rules that are the certifier's own because the
source does not say them (for OPS Conseil: a competency is acquired when all its criteria
are, a block when all its competencies are, the grouping of competencies into sittings, the
memoir oral's grid, the deliverables deadline...). Screens show the two apart, the second
as "règle de l'organisme"; the certifier changes its own rules in the file (a new version).
"""

from dataclasses import dataclass

PRACTICE_LABEL = "Règle de l'organisme"
LABELS = {
    "competency_rule": "Compétence acquise",
    "block_rule": "Bloc acquis",
    "sittings": "Regroupement des compétences en épreuves",
    "memoir_oral_grid": "Grille de l'oral du mémoire",
    "deliverables_deadline": "Date limite des livrables",
    "min_professionals": "Composition du jury d'évaluation",
    "jury_members": "Expérience des membres des jurys de certification et VAE",
}
# The certifier's rules a jury applies when it deliberates (the proposal rests on them).
DELIBERATION_KEYS = ("competency_rule", "block_rule", "memoir_oral_grid", "jury_members")


@dataclass(frozen=True)
class Statement:
    key: str
    label: str
    text: str
    practice: bool


def label_for(key: str) -> str:
    return LABELS.get(key) or key.replace("_", " ").capitalize()


def practice(rules: dict, keys=None) -> list[Statement]:
    """The certifier's own rules, as the file states them (in the file's order)."""
    stated = rules.get("practice") or {}
    return [
        Statement(key, label_for(key), text, True)
        for key, text in stated.items()
        if keys is None or key in keys
    ]


def is_practice(rules: dict, key: str) -> bool:
    return key in (rules.get("practice") or {})


def source_decisions(rules: dict) -> list[Statement]:
    """The three decisions as the source words them."""
    return [
        Statement(d["code"], d["label"], d.get("text") or "", False)
        for d in rules.get("decisions") or []
        if d.get("text")
    ]


def deliberation_rules(rules: dict) -> dict:
    """What the deliberation screen states: the source's decisions and the certifier's rules
    the proposal rests on."""
    return {
        "source": source_decisions(rules),
        "practice": practice(rules, DELIBERATION_KEYS),
        "label": PRACTICE_LABEL,
    }
