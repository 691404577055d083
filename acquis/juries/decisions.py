"""The jury's decision on a candidacy: per block, then overall (total, partial, refusal).

`decide` is the one verb that records a decision. It applies the engine's rules
(`engine.scope_problems`, `engine.kind_for`, `engine.awards_title`) to the blocks the jury
validates, and records whether the title is awarded (`Decision.title_awarded`), so the jury
may depart from the proposal (a block validated despite a "non acquis" result, a refusal
where a partial validation was proposed...) but never from the rules; any departure from
the proposal is written down (reason). A decision stays editable while the deliberation is
open; once the minutes are signed it is frozen (`Decision.save()` refuses it) and a
correction is a new decision in a new deliberation, referring to the old one.

`record` is what the deliberation screen calls: it chooses between a decision and a
correction (`corrections.decide_correction`), so no view makes that choice.

`postpone` is the jury's other answer: no decision for the candidate this time, with the
reason (a VAE oral not taken yet, a jury that did not hear it); the PV records it and the
candidacy stays awaiting a jury. Recording a decision afterwards, while the deliberation is
still open, cancels the postponement (audited).
"""

from django.db import transaction
from django.utils import timezone

from acquis.audit.services import record_event
from acquis.candidates.enums import CandidacyStatus
from acquis.candidates.models import Candidacy
from acquis.juries import engine, evidence, standing
from acquis.juries.enums import REASON_REQUIRED, DecisionKind, DeliberationStatus
from acquis.juries.exceptions import FrozenDecisionError, JuryError
from acquis.juries.models import BlockDecision, Decision, Deliberation, DeliberationCandidate

TEXT_MAX = 4000


@transaction.atomic
def decide(
    deliberation,
    candidacy,
    *,
    blocks: dict[str, bool],
    kind: str,
    reason: str = "",
    further_evidence: str = "",
    corrects: Decision | None = None,
    correction_reason: str = "",
    actor,
) -> Decision:
    """Record (or replace, while the deliberation is open) the decision on a candidacy.

    `blocks`: {block code: validated} for the registered blocks (a missing code is not
    validated). Raises JuryError listing every failed rule; nothing is written then.
    """
    deliberation = Deliberation.objects.select_for_update().get(pk=deliberation.pk)
    candidacy = (
        Candidacy.objects.select_for_update().select_related("candidate").get(pk=candidacy.pk)
    )
    _check_context(deliberation, candidacy, corrects)
    _check_actor(deliberation, actor)
    sitting = standing.standing_for(deliberation, candidacy)
    if not sitting.may_decide:
        raise JuryError(
            f"Décision impossible pour {candidacy.candidate} : ce jury ne peut pas statuer sur "
            "ce candidat.",
            sitting.problems,
        )
    existing = Decision.objects.filter(deliberation=deliberation, candidacy=candidacy).first()
    if existing is not None and existing.frozen:
        raise FrozenDecisionError()
    file = evidence.gather_one(deliberation, candidacy)
    text = _Texts(reason, further_evidence, correction_reason)
    chosen, problems = _chosen_blocks(file, blocks)
    problems += _kind_problems(file, chosen, kind, text)
    problems += _departure_problems(file, chosen, kind, text)
    problems += _correction_problems(candidacy, corrects, text)
    if problems:
        raise JuryError("Décision non enregistrée : corrigez les points signalés.", problems)
    return _record(deliberation, candidacy, file, chosen, kind, text, corrects, existing, actor)


@transaction.atomic
def postpone(deliberation, candidacy, *, reason: str, actor) -> DeliberationCandidate:
    """No decision for this candidate in this deliberation: the jury postpones, with the
    reason; the candidacy stays awaiting a jury (a later deliberation, once this one is
    signed). An unsigned decision recorded before is withdrawn (its content audited)."""
    deliberation = Deliberation.objects.select_for_update().get(pk=deliberation.pk)
    candidacy = (
        Candidacy.objects.select_for_update().select_related("candidate").get(pk=candidacy.pk)
    )
    _check_context(deliberation, candidacy, None)
    _check_actor(deliberation, actor)
    reason = (reason or "").strip()
    if not reason:
        raise JuryError(
            "Ajournement non enregistré : corrigez les points signalés.",
            ["Motif : obligatoire pour un ajournement (ce qui manque pour décider)."],
        )
    if len(reason) > TEXT_MAX:
        raise JuryError(
            "Ajournement non enregistré : corrigez les points signalés.",
            [f"Motif : {TEXT_MAX} caractères au plus."],
        )
    entry = DeliberationCandidate.objects.select_for_update().get(
        deliberation=deliberation, candidacy=candidacy
    )
    withdrawn = None
    existing = Decision.objects.filter(deliberation=deliberation, candidacy=candidacy).first()
    if existing is not None:
        withdrawn = content(existing)
        BlockDecision.objects.filter(decision=existing).delete()
        existing.delete()
    entry.postponed_at = timezone.now()
    entry.postponed_by = actor if actor is not None and actor.pk else None
    entry.postponement_reason = reason
    entry.save(update_fields=["postponed_at", "postponed_by", "postponement_reason"])
    record_event(
        "decision.postponed",
        candidacy,
        actor=actor,
        payload={
            "deliberation": deliberation.pk,
            "reason": reason,
            "withdrawn_unsigned_decision": withdrawn,
        },
    )
    return entry


def _check_actor(deliberation, actor) -> None:
    """The jury decides: a member present at the deliberation, or the certifier's staff
    recording it for them (the screens offer nothing else). No actor: the system (demo,
    commands)."""
    if actor is None:
        return
    if deliberation.members.filter(user=actor, present=True).exists():
        return
    if actor.staff_certifiers().filter(pk=deliberation.certifier_id).exists():
        return
    raise JuryError(
        "Décision non enregistrée : seuls les membres présents du jury, ou le personnel du "
        "certificateur pour eux, enregistrent une décision."
    )


class _Texts:
    def __init__(self, reason, further_evidence, correction_reason):
        self.reason = (reason or "").strip()
        self.further_evidence = (further_evidence or "").strip()
        self.correction_reason = (correction_reason or "").strip()

    def too_long(self) -> list[str]:
        labels = {
            "reason": "Motif",
            "further_evidence": "Compléments demandés",
            "correction_reason": "Motif de la correction",
        }
        return [
            f"{label} : {TEXT_MAX} caractères au plus."
            for name, label in labels.items()
            if len(getattr(self, name)) > TEXT_MAX
        ]


# --- the rules --------------------------------------------------------------------------


def _check_context(deliberation, candidacy, corrects) -> None:
    if deliberation.status != DeliberationStatus.OPEN:
        raise JuryError(
            "Décision impossible : la délibération est « "
            f"{deliberation.get_status_display()} » ; le jury décide pendant la délibération "
            "ouverte (jury au complet)."
        )
    listed = DeliberationCandidate.objects.filter(deliberation=deliberation, candidacy=candidacy)
    if not listed.exists():
        raise JuryError(
            f"Décision impossible : {candidacy.candidate} ne figure pas sur la liste de cette "
            "délibération."
        )
    if candidacy.version_id != deliberation.version_id:
        raise JuryError(
            f"Décision impossible : {candidacy.candidate} est inscrit(e) sur une autre version "
            "du référentiel que celle de la délibération."
        )
    expected = CandidacyStatus.DECIDED if corrects is not None else CandidacyStatus.AWAITING_JURY
    if candidacy.status == expected:
        return
    if candidacy.status == CandidacyStatus.DECIDED:
        raise JuryError(
            f"Décision impossible : la candidature de {candidacy.candidate} a déjà sa décision "
            "signée ; une nouvelle décision est une correction de celle-ci, motivée."
        )
    raise JuryError(
        f"Décision impossible : la candidature de {candidacy.candidate} est « "
        f"{candidacy.get_status_display()} » (attendu : « "
        f"{CandidacyStatus(expected).label} »)."
    )


def _chosen_blocks(file, blocks) -> tuple[dict[str, bool], list[str]]:
    """{registered code: validated}, and the problems of the blocks sent."""
    registered = file.evidence.registered_blocks
    known = set(file.evidence.required_blocks) | set(registered)
    problems = []
    unknown = [code for code in blocks if code not in known]
    if unknown:
        problems.append(f"Bloc(s) inconnu(s) du référentiel : {', '.join(unknown)}.")
    outside = [code for code, value in blocks.items() if value and code in known - set(registered)]
    if outside:
        problems.append(
            f"Le candidat n'est inscrit qu'aux blocs {', '.join(registered)} : "
            f"{', '.join(outside)} ne peut pas être validé."
        )
    return {code: bool(blocks.get(code)) for code in registered}, problems


def _kind_problems(file, chosen, kind, text) -> list[str]:
    if kind not in DecisionKind.values:
        return ["Décision : choisissez validation totale, validation partielle ou refus."]
    validated = {code for code, value in chosen.items() if value}
    problems = text.too_long() + engine.decision_problems(file.evidence, kind, validated)
    if kind == DecisionKind.PARTIAL:
        if not text.further_evidence:
            problems.append(
                "Compléments demandés : indiquez ce que le candidat doit encore démontrer."
            )
        if not text.reason:
            problems.append("Motif : obligatoire pour une validation partielle.")
    elif kind == DecisionKind.REFUSED and not text.reason:
        problems.append("Motif : obligatoire pour un refus.")
    return problems


def _departure_problems(file, chosen, kind, text) -> list[str]:
    """A decision that differs from the proposal (kind or any block) must be reasoned."""
    proposal = file.proposal
    # Partial validation and refusal always need their reason: already asked for.
    if text.reason or kind not in DecisionKind.values or kind in REASON_REQUIRED:
        return []
    changed = [code for code, value in chosen.items() if proposal.blocks.get(code) != value]
    if kind == proposal.kind and not changed:
        return []
    details = []
    if kind != proposal.kind:
        details.append(f"proposé : {DecisionKind(proposal.kind).label}")
    if changed:
        details.append(f"bloc(s) {', '.join(changed)}")
    return [
        f"Vous vous écartez de la proposition ({' ; '.join(details)}) : motivez votre "
        "décision dans le motif."
    ]


def _correction_problems(candidacy, corrects, text) -> list[str]:
    if corrects is None:
        if text.correction_reason:
            return ["Motif de la correction : seulement pour corriger une décision signée."]
        return []
    problems = []
    corrects = Decision.objects.filter(pk=corrects.pk).first()
    if corrects is None or not corrects.frozen or corrects.candidacy_id != candidacy.pk:
        problems.append(
            "Correction : la décision corrigée doit être une décision signée de la même "
            "candidature."
        )
    elif Decision.objects.filter(corrects=corrects, frozen=True).exists():
        problems.append(
            "Correction : cette décision a déjà été corrigée ; corrigez la décision la plus "
            "récente."
        )
    if not text.correction_reason:
        problems.append(
            "Motif de la correction : obligatoire (erreur matérielle, issue d'un recours…)."
        )
    return problems


# --- the write ----------------------------------------------------------------------------


def _record(deliberation, candidacy, file, chosen, kind, text, corrects, existing, actor):
    previous_kind = existing.kind if existing is not None else ""
    postponed = _cancel_postponement(deliberation, candidacy)
    decision = existing or Decision(deliberation=deliberation, candidacy=candidacy)
    decision.kind = kind
    decision.title_awarded = engine.awards_title(
        file.evidence, kind, {code for code, value in chosen.items() if value}
    )
    decision.proposed_kind = file.proposal.kind
    decision.reason = text.reason
    decision.further_evidence = text.further_evidence if kind == DecisionKind.PARTIAL else ""
    decision.deadline = (
        engine.partial_deadline(file.evidence) if kind == DecisionKind.PARTIAL else None
    )
    decision.corrects = corrects
    decision.correction_reason = text.correction_reason if corrects is not None else ""
    decision.decided_by = actor if actor is not None and actor.pk else None
    decision.decided_at = timezone.now()
    decision.save()
    if existing is not None:
        BlockDecision.objects.filter(decision=decision).delete()
    held = engine.held_codes(file.evidence)
    rows = BlockDecision.objects.bulk_create(
        BlockDecision(
            decision=decision,
            block=row.block,
            validated=chosen[row.block.code],
            proposed=file.proposal.blocks.get(row.block.code, False),
            held_before=row.block.code in held,
        )
        for row in file.blocks
    )
    record_event(
        "decision.recorded",
        decision,
        actor=actor,
        from_state=previous_kind,
        to_state=kind,
        payload=content(decision, rows)
        | {"replaces_unsigned": existing is not None, "cancels_postponement": postponed},
    )
    return decision


def _cancel_postponement(deliberation, candidacy) -> str:
    """A decision recorded for a postponed candidate: the postponement no longer holds."""
    entry = DeliberationCandidate.objects.filter(
        deliberation=deliberation, candidacy=candidacy, postponed_at__isnull=False
    ).first()
    if entry is None:
        return ""
    reason = entry.postponement_reason
    DeliberationCandidate.objects.filter(pk=entry.pk).update(
        postponed_at=None, postponed_by=None, postponement_reason=""
    )
    return reason


def content(decision: Decision, block_decisions=None) -> dict:
    """The full content of a decision (audit payload, minutes)."""
    rows = block_decisions
    if rows is None:
        rows = decision.blocks.select_related("block").order_by("block__position")
    return {
        "deliberation": decision.deliberation_id,
        "candidacy": decision.candidacy_id,
        "kind": decision.kind,
        "title_awarded": decision.title_awarded,
        "proposed_kind": decision.proposed_kind,
        "blocks": {
            row.block.code: {
                "validated": row.validated,
                "proposed": row.proposed,
                "held_before": row.held_before,
            }
            for row in rows
        },
        "reason": decision.reason,
        "further_evidence": decision.further_evidence,
        "deadline": decision.deadline.isoformat() if decision.deadline else None,
        "corrects": decision.corrects_id,
        "correction_reason": decision.correction_reason,
    }
