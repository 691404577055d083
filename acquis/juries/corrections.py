"""Corrections: a signed decision is never edited; it is corrected by a new decision.

Practice (domain.md): "once signed, decisions do not change: a correction is a new,
reasoned decision that refers to the old one, and the history stays". A correction (material
error, outcome of an appeal) is decided in a new deliberation of the same kind, version and
certifier, by a lawfully composed jury (its seats are filled as for any deliberation), with
its own signed PV. `start_correction` prepares that deliberation with the candidacy on its
list; the jury decides with `decide_correction` (`decisions.decide(..., corrects=old,
correction_reason=...)`); when its PV is signed, the ledger revokes the corrected decision's
held blocks (`ledger.record_held_blocks`). Both decisions stay in the candidate's history.
"""

from datetime import date

from django.db import transaction

from acquis.audit.services import record_event
from acquis.juries import decisions, deliberations
from acquis.juries.enums import DeliberationStatus
from acquis.juries.exceptions import JuryError
from acquis.juries.models import Decision, Deliberation, DeliberationCandidate

# Which signed decision is in force lives below deliberations (signed.py); re-exported.
from acquis.juries.signed import corrected_decision as corrected_decision
from acquis.juries.signed import is_correction as is_correction
from acquis.juries.signed import latest_signed_decision as latest_signed_decision

UNSIGNED = (DeliberationStatus.PREPARED, DeliberationStatus.OPEN, DeliberationStatus.SIGNING)


@transaction.atomic
def start_correction(
    decision: Decision, *, on: date, place: str, title: str, actor
) -> Deliberation:
    """A new deliberation to correct a signed decision; its jury is composed as usual."""
    decision = (
        Decision.objects.select_for_update()
        .select_related("deliberation__certifier", "deliberation__version", "candidacy__candidate")
        .get(pk=decision.pk)
    )
    name = decision.candidacy.candidate.full_name
    if not decision.frozen:
        raise JuryError(
            f"La décision de {name} n'est pas encore signée : tant que personne n'a signé le "
            "procès-verbal, rouvrez la délibération pour la modifier."
        )
    current = latest_signed_decision(decision.candidacy)
    if current is not None and current.pk != decision.pk:
        raise JuryError(
            "Cette décision a déjà été corrigée (décision du "
            f"{current.deliberation.date:%d/%m/%Y}) : corrigez la décision en vigueur."
        )
    pending = (
        DeliberationCandidate.objects.filter(
            candidacy=decision.candidacy, deliberation__status__in=UNSIGNED
        )
        .select_related("deliberation")
        .first()
    )
    if pending is not None:
        raise JuryError(
            f"{name} figure déjà sur la délibération « {pending.deliberation} », non signée : "
            "la correction s'y décide."
        )
    if on is not None and on < decision.deliberation.date:
        raise JuryError(
            "La date de la correction ne peut précéder celle de la décision corrigée "
            f"({decision.deliberation.date:%d/%m/%Y}).",
            problems=["Date : postérieure à la décision corrigée."],
        )
    old = decision.deliberation
    deliberation = deliberations.prepare(
        old.certifier, old.version, kind=old.kind, title=title, on=on, place=place, actor=actor
    )
    # Written here, not through deliberations.add_candidates: that verb takes candidacies
    # awaiting the jury, and this one is already decided.
    DeliberationCandidate.objects.create(
        deliberation=deliberation, candidacy=decision.candidacy, position=1
    )
    record_event(
        "deliberation.start_correction",
        deliberation,
        actor=actor,
        payload={
            "corrects": decision.pk,
            "corrected_deliberation": old.pk,
            "candidacy": decision.candidacy_id,
            "name": name,
        },
    )
    return deliberation


def decide_correction(deliberation: Deliberation, candidacy, *, correction_reason: str, **kw):
    """The jury's new decision on a correction deliberation (refers to the old one)."""
    old = corrected_decision(deliberation, candidacy)
    if old is None:
        raise JuryError("Aucune décision signée à corriger pour cette candidature.")
    if not (correction_reason or "").strip():
        raise JuryError(
            "Le motif de la correction est obligatoire (erreur matérielle, issue d'un recours…).",
            problems=["Motif de la correction : obligatoire."],
        )
    return decisions.decide(
        deliberation, candidacy, corrects=old, correction_reason=correction_reason.strip(), **kw
    )


def record(
    deliberation,
    candidacy,
    *,
    blocks: dict[str, bool],
    kind: str,
    reason: str = "",
    further_evidence: str = "",
    correction_reason: str = "",
    actor,
) -> Decision:
    """The jury's decision on one candidate, as the deliberation screen sends it: on a
    correction deliberation (the candidacy has a signed decision from another one) it is a
    correction (`decide_correction`, the reason required), otherwise a decision
    (`decisions.decide`; `correction_reason` is then ignored)."""
    kwargs = {
        "blocks": blocks,
        "kind": kind,
        "reason": reason,
        "further_evidence": further_evidence,
        "actor": actor,
    }
    if corrected_decision(deliberation, candidacy) is not None:
        return decide_correction(
            deliberation, candidacy, correction_reason=correction_reason, **kwargs
        )
    return decisions.decide(deliberation, candidacy, **kwargs)
