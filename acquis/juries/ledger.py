"""The partial-validation ledger: every block a candidate holds, its source and its expiry.

Rows (`HeldBlock`) are written when a decision's minutes are signed
(`record_held_blocks`, called by `minutes.sign`):
- a partial validation: each block validated now, valid until the decision's deadline
  (deliberation + 5 years, "une nouvelle validation pourra être demandée dans un délai
  maximum de 5 ans suivant la délibération du jury");
- a total validation: the title is awarded, every block of the title is held for good
  (no expiry), those held before included;
- a refusal: nothing.
A correction revokes the rows of the decision it corrects (`revoked_by`); rows are never
deleted. A block counts while unexpired (its expiry day included) and not revoked.
"""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from acquis.audit.services import record_event
from acquis.juries.enums import DecisionKind, DeliberationStatus
from acquis.juries.exceptions import JuryError
from acquis.juries.models import BlockDecision, Decision, HeldBlock

EXPIRY_NOTICE_DAYS = 183  # about 6 months ahead (issue 5, §4)


def _valid_on(on: date) -> Q:
    return Q(revoked_by__isnull=True) & (Q(expires_on__isnull=True) | Q(expires_on__gte=on))


def held_blocks(candidate, certification, on: date) -> list[HeldBlock]:
    """The candidate's blocks of this certification valid on `on` (unexpired, not revoked)."""
    return list(
        HeldBlock.objects.filter(candidate=candidate, certification=certification)
        .filter(_valid_on(on))
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
                "expires_on": decision.deadline.isoformat() if decision.deadline else None,
                "revoked": revoked,
            },
        )
    return created


def _granted(decision: Decision) -> list[BlockDecision]:
    rows = decision.blocks.select_related("block").order_by("block__position")
    if decision.kind == DecisionKind.TOTAL:
        return [row for row in rows if row.validated or row.held_before]
    if decision.kind == DecisionKind.PARTIAL:
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
        # Total validation: the title is awarded, its blocks never expire.
        expires_on=None if decision.kind == DecisionKind.TOTAL else decision.deadline,
    )


def _revoke_corrected(decision: Decision) -> list[str]:
    if decision.corrects_id is None:
        return []
    rows = HeldBlock.objects.filter(decision_id=decision.corrects_id, revoked_by__isnull=True)
    codes = list(rows.values_list("block_code", flat=True))
    rows.update(revoked_by=decision)
    return codes


def expiring(certifier, *, within_days: int = EXPIRY_NOTICE_DAYS, on: date | None = None):
    """Held blocks whose expiry falls within `within_days` of `on`, soonest first.

    A row is left out when the same block is held longer by another row (a later partial
    validation, or the title awarded since): nothing is about to be lost then.
    """
    on = on or timezone.localdate()
    longer = HeldBlock.objects.filter(
        candidate_id=OuterRef("candidate_id"),
        certification_id=OuterRef("certification_id"),
        block_code=OuterRef("block_code"),
        revoked_by__isnull=True,
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gt=OuterRef("expires_on")))
    return (
        HeldBlock.objects.filter(
            candidate__certifier=certifier,
            revoked_by__isnull=True,
            expires_on__gte=on,
            expires_on__lte=on + timedelta(days=within_days),
        )
        .exclude(Exists(longer))
        .select_related("candidate", "block", "certification", "decision__candidacy")
        .order_by("expires_on", "candidate__birth_name", "block_code", "pk")
    )


def history(candidate) -> list[HeldBlock]:
    """Every row of the candidate, revoked and expired ones included (for the screens)."""
    return list(
        HeldBlock.objects.filter(candidate=candidate)
        .select_related(
            "certification", "block", "decision__deliberation", "revoked_by__deliberation"
        )
        .order_by("certification__title", "block_code", "granted_on", "pk")
    )


def state(row: HeldBlock, on: date | None = None) -> str:
    """French state of a row on a day: "valable", "expiré" or "annulé (correction)"."""
    on = on or timezone.localdate()
    if row.revoked_by_id is not None:
        return "annulé (correction)"
    if row.expires_on is not None and row.expires_on < on:
        return "expiré"
    return "valable"
