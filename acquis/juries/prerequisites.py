"""What "Présenter au jury" checks: the evidence the title needs on a non-VAE pathway.

The same facts (`evidence.PathData`) and the same rules (`engine.path_problems`) as the
deliberation screen and the engine: the work placement days and its attestation, the memoir
whose required parts the staff confirmed, the memoir oral passed (rule 3, for every
pathway of `training.required_for`). They are conditions of the title: a candidacy for some
blocks only is presented without them (its total validation grants its blocks, not the
title). Registered in the candidate app (`candidates.hooks`) by `JuriesConfig.ready`.
"""

from acquis.candidates.enums import Pathway
from acquis.juries import engine
from acquis.juries.evidence import PathData
from acquis.juries.evidence_types import Evidence


def missing_for_jury(candidacy) -> list[str]:
    """What the title still needs before the jury (French, one line each; empty: ready)."""
    if candidacy.pathway == Pathway.VAE or not candidacy.whole_title:
        return []
    rules = candidacy.version.rules or {}
    data = PathData([candidacy.pk])
    memoir = data.memoir(candidacy, rules)
    evidence = Evidence(
        pathway=candidacy.pathway,
        deliberation_date=candidacy.registered_on,  # unused by the path's rules
        required_blocks=(),
        registered_blocks=(),
        whole_title=True,
        **data.facts(candidacy, rules, memoir),
    )
    return engine.path_problems(evidence)
