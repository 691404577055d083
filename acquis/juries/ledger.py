"""The ledger of held blocks: every block a candidate holds, and the decision it comes from.

Rows (`HeldBlock`) are written when a decision's minutes are signed
(`record_held_blocks`, called by `minutes.sign`):
- a partial validation: each block validated now;
- a total validation: each block validated now, and, when it awards the title, every block
  of the title (those held before included);
- a refusal: nothing.
A validated block is acquired for good (French law: a validated block, and a part of a
certification obtained through VAE, is acquired permanently): a row never expires. The
source's 5 years ("une nouvelle validation pourra être demandée dans un délai maximum de
5 ans suivant la délibération du jury") are the window in which a candidate may request a
new validation after a partial validation: `Decision.deadline`, listed by
`new_validation_deadlines`, never an expiry of the blocks.
A correction revokes the rows of the decision it corrects (`revoked_by`); rows are never
deleted. A block counts while not revoked.
"""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from acquis.audit.services import record_event
from acquis.candidates.models import Candidacy
from acquis.juries.enums import DecisionKind, DeliberationStatus
from acquis.juries.exceptions import JuryError
from acquis.juries.models import BlockDecision, Decision, HeldBlock

DEADLINE_NOTICE_DAYS = 183  # about 6 months ahead
STATE_HELD = "acquis définitivement"
STATE_REVOKED = "annulé (correction)"


def held_blocks(candidate, certification) -> list[HeldBlock]:
    """The candidate's blocks of this certification (not revoked by a correction)."""
    return list(
        HeldBlock.objects.filter(
            candidate=candidate, certification=certification, revoked_by__isnull=True
        )
        .select_related("block", "decision__deliberation")
        .order_by("block_code", "-granted_on", "pk")
    )


@transaction.atomic
def record_held_blocks(decision: Decision, *, actor) -> list[HeldBlock]:
    """Write the ledger rows of a decision whose minutes are being signed (idempotent)."""
    decision = (
        Decision.objects.select_related(
            "deliberation__version__certification", "candidacy__candidate"
        )
        .defer("deliberation__version__document")
        .get(pk=decision.pk)
    )
    signing = (DeliberationStatus.SIGNING, DeliberationStatus.SIGNED)
    if not decision.frozen and decision.deliberation.status not in signing:
        raise JuryError(
            "Registre des blocs : une décision n'y est inscrite qu'à la signature de son "
            "procès-verbal."
        )
    existing = set(HeldBlock.objects.filter(decision=decision).values_list("block_id", flat=True))
    rows = [
        _row(decision, block_decision)
        for block_decision in _granted(decision)
        if block_decision.block_id not in existing
    ]
    created = HeldBlock.objects.bulk_create(rows)
    revoked = _revoke_corrected(decision)
    if created or revoked:
        record_event(
            "ledger.recorded",
            decision,
            actor=actor,
            payload={
                "candidate": decision.candidacy.candidate_id,
                "blocks": [row.block_code for row in created],
                "revoked": revoked,
            },
        )
    return created


def _granted(decision: Decision) -> list[BlockDecision]:
    rows = decision.blocks.select_related("block").order_by("block__position")
    if decision.title_awarded:
        return [row for row in rows if row.validated or row.held_before]
    if decision.kind in (DecisionKind.TOTAL, DecisionKind.PARTIAL):
        return [row for row in rows if row.validated]
    return []


def _row(decision: Decision, block_decision: BlockDecision) -> HeldBlock:
    return HeldBlock(
        candidate=decision.candidacy.candidate,
        certification=decision.deliberation.version.certification,
        block=block_decision.block,
        block_code=block_decision.block.code,
        decision=decision,
        granted_on=decision.deliberation.date,
    )


def _revoke_corrected(decision: Decision) -> list[str]:
    if decision.corrects_id is None:
        return []
    rows = HeldBlock.objects.filter(decision_id=decision.corrects_id, revoked_by__isnull=True)
    codes = list(rows.values_list("block_code", flat=True))
    rows.update(revoked_by=decision)
    return codes


def new_validation_deadlines(
    certifier, *, within_days: int = DEADLINE_NOTICE_DAYS, on: date | None = None
):
    """Partial validations in force whose deadline for a new validation request falls
    within `within_days` of `on`, soonest first.

    Left out: a candidate who has registered again for the same certification since (the
    new request is made) and a decision superseded by a signed correction. After the
    deadline nothing is lost (the blocks stay acquired, the candidate may register again):
    the list only helps the certifier remind candidates of the window the source gives.
    """
    on = on or timezone.localdate()
    corrected = Decision.objects.filter(corrects=OuterRef("pk"), frozen=True)
    registered_again = Candidacy.objects.filter(
        candidate_id=OuterRef("candidacy__candidate_id"),
        version__certification_id=OuterRef("deliberation__version__certification_id"),
        pk__gt=OuterRef("candidacy_id"),
    )
    return (
        Decision.objects.filter(
            candidacy__candidate__certifier=certifier,
            kind=DecisionKind.PARTIAL,
            frozen=True,
            deadline__gte=on,
            deadline__lte=on + timedelta(days=within_days),
        )
        .exclude(Exists(corrected))
        .exclude(Exists(registered_again))
        .select_related("candidacy__candidate", "deliberation__version__certification")
        .defer("deliberation__version__document")
        .prefetch_related("blocks__block")
        .order_by("deadline", "candidacy__candidate__birth_name", "pk")
    )


def history(candidate) -> list[HeldBlock]:
    """Every row of the candidate, revoked ones included (for the screens)."""
    return list(
        HeldBlock.objects.filter(candidate=candidate)
        .select_related(
            "certification", "block", "decision__deliberation", "revoked_by__deliberation"
        )
        .order_by("certification__title", "block_code", "granted_on", "pk")
    )


def state(row: HeldBlock) -> str:
    """French state of a row: "acquis définitivement" or "annulé (correction)"."""
    return STATE_REVOKED if row.revoked_by_id is not None else STATE_HELD
