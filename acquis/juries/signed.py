"""Which signed decision is in force, and whether a deliberation corrects one.

Below deliberations (opening checks) and corrections (the verbs), which both ask.
"""

from acquis.juries.models import Decision, Deliberation


def latest_signed_decision(candidacy) -> Decision | None:
    """The candidacy's signed decision in force: frozen and not itself corrected by a
    signed decision."""
    return (
        Decision.objects.filter(candidacy=candidacy, frozen=True)
        .exclude(corrections__frozen=True)
        .select_related("deliberation")
        .order_by("-deliberation__date", "-pk")
        .first()
    )


def corrected_decision(deliberation: Deliberation, candidacy) -> Decision | None:
    """On a correction deliberation, the signed decision the new one corrects; None on an
    ordinary deliberation (the candidacy had no signed decision when it was listed)."""
    if not deliberation.entries.filter(candidacy=candidacy).exists():
        return None
    old = latest_signed_decision(candidacy)
    if old is None or old.deliberation_id == deliberation.pk:
        return None
    return old


def is_correction(deliberation: Deliberation) -> bool:
    return (
        Decision.objects.filter(
            frozen=True,
            candidacy__deliberation_entries__deliberation=deliberation,
        )
        .exclude(deliberation=deliberation)
        .exists()
    )
