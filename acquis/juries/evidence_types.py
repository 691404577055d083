"""What the decision engine reads and proposes: plain data, no database access.

`evidence.gather` (the deliberation screen) builds `Evidence` for each candidacy;
`engine.propose(evidence)` returns a `Proposal`. Keeping both as plain data lets the engine be
tested exhaustively (hypothesis) without a database.
"""

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Evidence:
    pathway: str  # Pathway value: training / vae / free
    deliberation_date: date
    required_blocks: tuple[str, ...]  # rules.title_requires_blocks (codes)
    registered_blocks: tuple[str, ...]  # the blocks the candidacy is registered for
    whole_title: bool
    # Proposed block results from the consolidated evaluations: "acquis" / "non acquis" /
    # "incomplet" per registered block code (evaluations.consolidation.proposed_block_results).
    block_results: dict[str, str] = field(default_factory=dict)
    # Blocks already held from earlier decisions (acquired for good): their codes.
    held_blocks: frozenset[str] = frozenset()
    # Work placement and memoir (rules.training), required for the title of every pathway
    # in `training.required_for` (every non-VAE pathway by default).
    placement_days: int = 0
    required_placement_days: int | None = None  # None: not required for this pathway
    placement_attestation: bool = False  # every work placement has its attestation
    memoir_required: bool = False
    memoir_confirmed: bool = False  # every required part confirmed by the staff
    memoir_oral_passed: bool | None = None  # None: not taken
    # VAE path.
    vae_admissible: bool = False
    vae_file_complete: bool = False
    vae_oral_passed: bool | None = None  # None: not taken
    # `rules.vae.oral_grants` = registered_blocks: the oral is graded on its own criteria
    # (no competency) and the jury grants the registered blocks on the validation file and
    # the oral passed. Otherwise (default) the oral's results are in the blocks.
    vae_oral_grants_blocks: bool = False
    vae_oral_minutes: int | None = 30  # rules.vae.oral_duration_minutes, for the reasons
    # Members of this deliberation who were not among the assessors of the candidate's VAE
    # oral (juries.hearing): they did not hear it, so they cannot decide.
    vae_oral_unheard: tuple[str, ...] = ()
    validity_years: int = 5


@dataclass(frozen=True)
class Proposal:
    blocks: dict[str, bool]  # registered block code -> validated
    kind: str  # DecisionKind value
    title: bool  # the title is awarded (a total validation with every required block held)
    # Partial validation: the last day a new validation may be requested (deliberation date
    # + validity years); the blocks themselves never expire.
    deadline: date | None
    reasons: tuple[str, ...] = ()  # why the title is not awarded (French), for the screen
    # Why no validation may be recorded now: the engine proposes a postponement (French).
    postpone: tuple[str, ...] = ()
