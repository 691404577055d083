"""The minutes (procès-verbal, PV) of a deliberation: closing, numbering, signing, freezing.

- `close_deliberation`: every candidate on the list has a decision or was postponed (its
  reason goes into the PV, under "postponed"; the candidacy stays awaiting a jury); the
  PV content is fixed
  as JSON, hashed (SHA-256 of its canonical form) and numbered by the single locked
  generator (`YearlyCounter` of kind "minutes", one row per certifier and year); the
  deliberation waits for signatures.
- `reopen`: only while nobody has signed; the PV is kept, marked superseded.
- `sign`: each member of the jury signs in the app after re-entering their password; the
  signature records the time and the hash of the content signed. The last signature makes
  the decisions a legal record (practice: "once signed, decisions do not change"): they are
  frozen, the ledger of held blocks is written, the candidacies are decided, and the
  candidates are notified once the transaction is committed.
"""

import hashlib
import json

from django.db import transaction
from django.utils import timezone

from acquis.audit.checkpoints import checkpoint_on_commit
from acquis.audit.services import record_event, record_events
from acquis.candidates.enums import CandidacyStatus
from acquis.candidates.services import record_decision
from acquis.juries import deliberations, hooks, ledger, notifications, standing
from acquis.juries.enums import DecisionKind, DeliberationStatus
from acquis.juries.exceptions import JuryError
from acquis.juries.models import (
    Decision,
    Deliberation,
    JuryMember,
    Minutes,
    MinutesSignature,
)
from acquis.numbering.models import CounterKind
from acquis.numbering.services import draw, prefix_for

CONTENT_FORMAT = 1
# The certifier's prefix keeps two certifiers' PVs apart on paper ("PV-OPS-2026-0001");
# numbers are unique per certifier (`unique_minutes_number`).
NUMBER_FORMAT = "PV-{prefix}-{year}-{number:04d}"


# --- the single locked generator ---------------------------------------------------------


def next_number(certifier, year: int) -> str:
    """Draw the next PV number of this certifier and year, inside the caller's transaction
    (acquis.numbering.services.draw: locked counter, no gap, no duplicate)."""
    number = draw(CounterKind.MINUTES, certifier, year)
    return NUMBER_FORMAT.format(prefix=prefix_for(certifier), year=year, number=number)


# --- content and hash ----------------------------------------------------------------------


def canonical(content: dict) -> bytes:
    return json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode("utf-8")


def content_hash(content: dict) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def _member_content(member: JuryMember) -> dict:
    user = member.user
    return {
        "id": member.pk,
        "name": user.get_full_name() or user.email,
        "email": user.email,
        "role": member.role,
        "role_label": member.get_role_display(),
        "external": member.external,
        "organisation": member.organisation,
        "present": member.present,
    }


def _decision_content(decision: Decision) -> dict:
    corrected = decision.corrects
    return {
        "id": decision.pk,
        "kind": decision.kind,
        "kind_label": decision.get_kind_display(),
        "title_awarded": decision.title_awarded,
        "outcome": outcome_sentence(decision.kind, decision.title_awarded),
        "proposed_kind": decision.proposed_kind,
        "proposed_label": decision.get_proposed_kind_display(),
        "departs_from_proposal": decision.kind != decision.proposed_kind,
        "reason": decision.reason,
        "further_evidence": decision.further_evidence,
        "deadline": decision.deadline.isoformat() if decision.deadline else None,
        "corrects": None
        if corrected is None
        else {
            "id": corrected.pk,
            "kind": corrected.kind,
            "kind_label": corrected.get_kind_display(),
            "deliberation": str(corrected.deliberation),
            "reason": decision.correction_reason,
        },
        "blocks": [
            {
                "code": row.block.code,
                "title": row.block.title,
                "validated": row.validated,
                "proposed": row.proposed,
                "held_before": row.held_before,
            }
            for row in decision.blocks.all()
        ],
    }


def outcome_sentence(kind: str, title_awarded: bool) -> str:
    """What a decision grants, in one French sentence (PV, screens)."""
    if title_awarded:
        return "Le titre est attribué."
    if kind == DecisionKind.TOTAL:
        return (
            "Tous les blocs visés par la candidature sont accordés ; le titre n'est pas attribué."
        )
    if kind == DecisionKind.PARTIAL:
        return "Une partie de ce que visait la candidature est accordée."
    return "La certification n'est pas attribuée."


def _candidate_content(entry, decision: Decision) -> dict:
    candidacy = entry.candidacy
    person = candidacy.candidate
    return {
        "candidacy": candidacy.pk,
        "name": person.full_name,
        "birth_name": person.birth_name,
        "usage_name": person.usage_name,
        "first_names": " ".join(
            name for name in (person.first_name, person.first_name_2, person.first_name_3) if name
        ),
        "birth_date": person.birth_date.isoformat(),
        "pathway": candidacy.pathway,
        "pathway_label": candidacy.get_pathway_display(),
        "whole_title": candidacy.whole_title,
        "decision": _decision_content(decision),
    }


def _waiting_content(entry, standing) -> dict:
    """A candidate on whom this jury did not decide: who stood aside, and why."""
    person = entry.candidacy.candidate
    return {
        "candidacy": entry.candidacy_id,
        "name": person.full_name,
        "birth_date": person.birth_date.isoformat(),
        "pathway_label": entry.candidacy.get_pathway_display(),
        "stood_aside": [
            {
                "member": item.member.pk,
                "name": item.name,
                "role_label": item.role_label,
                "reason": item.reason,
            }
            for item in standing.aside
        ],
        "reasons": list(standing.problems),
    }


def build_content(deliberation: Deliberation, *, number: str, generated_at) -> dict:
    """The PV as data: what the members sign and what the printable page shows.

    `candidates`: the decided candidates; `not_decided`: those this jury could not decide on
    (a member stood aside: they wait for a jury with a substitute), with who and why."""
    version = deliberation.version
    members = deliberation.members.select_related("user").order_by("pk")
    entries = deliberation.entries.select_related("candidacy__candidate").order_by("position", "pk")
    blocked = {
        pk: found
        for pk, found in standing.standings(deliberation, [e.candidacy for e in entries]).items()
        if not found.may_decide
    }
    decisions = {
        decision.candidacy_id: decision
        for decision in deliberation.decisions.select_related(
            "corrects__deliberation"
        ).prefetch_related("blocks__block")
    }
    return {
        "format": CONTENT_FORMAT,
        "number": number,
        "generated_at": generated_at.isoformat(),
        "certifier": {"id": deliberation.certifier_id, "name": deliberation.certifier.name},
        "certification": {
            "code": version.certification.code,
            "title": version.title,
            "version": version.number,
            "registry": version.registry_code,
            "level": version.level,
        },
        "jury": {"kind": deliberation.kind, "label": deliberation.get_kind_display()},
        "deliberation": {
            "id": deliberation.pk,
            "title": deliberation.title,
            "date": deliberation.date.isoformat(),
            "place": deliberation.place,
        },
        "members": [_member_content(member) for member in members],
        "candidates": [
            _candidate_content(entry, decisions[entry.candidacy_id])
            for entry in entries
            if entry.candidacy_id in decisions
        ],
        "not_decided": [
            _waiting_content(entry, blocked[entry.candidacy_id])
            for entry in entries
            if entry.candidacy_id in blocked
        ],
        "postponed": [
            _postponed_content(entry)
            for entry in entries
            if entry.candidacy_id not in decisions and entry.postponed_at is not None
        ],
    }


def _postponed_content(entry) -> dict:
    candidacy = entry.candidacy
    person = candidacy.candidate
    return {
        "candidacy": candidacy.pk,
        "name": person.full_name,
        "birth_date": person.birth_date.isoformat(),
        "pathway": candidacy.pathway,
        "pathway_label": candidacy.get_pathway_display(),
        "reason": entry.postponement_reason,
    }


def current_minutes(deliberation: Deliberation) -> Minutes | None:
    """The PV in force (not superseded by a reopening), if any."""
    return deliberation.minutes.filter(superseded=False).order_by("-generated_at", "-pk").first()


def _move(deliberation, to_status, *, actor, payload=None):
    return deliberations._move(deliberation, to_status, actor=actor, payload=payload)


def _locked(deliberation: Deliberation) -> Deliberation:
    return (
        Deliberation.objects.select_for_update()
        .select_related("certifier", "version__certification")
        .get(pk=deliberation.pk)
    )


# --- verbs --------------------------------------------------------------------------------


@transaction.atomic
def close_deliberation(deliberation: Deliberation, *, actor) -> Minutes:
    """End the deliberation: the PV is generated, numbered and hashed, ready to sign."""
    deliberation = _locked(deliberation)
    if deliberation.status != DeliberationStatus.OPEN:
        raise JuryError(
            "Seule une délibération en cours peut être close : celle-ci est "
            f"« {deliberation.get_status_display()} »."
        )
    entries = list(deliberation.entries.select_related("candidacy__candidate"))
    if not entries:
        raise JuryError("La délibération ne compte aucun candidat : rien à consigner.")
    decided = set(deliberation.decisions.values_list("candidacy_id", flat=True))
    _check_standings(deliberation, entries, decided)
    waiting = {
        pk
        for pk, found in standing.standings(deliberation, [e.candidacy for e in entries]).items()
        if not found.may_decide
    }
    missing = [
        entry.candidacy.candidate.full_name
        for entry in entries
        if entry.candidacy_id not in decided
        and entry.candidacy_id not in waiting
        and entry.postponed_at is None
    ]
    if missing:
        raise JuryError(
            "Chaque candidat doit avoir une décision (ou un ajournement motivé) avant la "
            "clôture ; sans décision : " + ", ".join(missing) + ".",
            problems=[f"{name} : aucune décision enregistrée." for name in missing],
        )
    now = timezone.now()
    number = next_number(deliberation.certifier, deliberation.date.year)
    content = build_content(deliberation, number=number, generated_at=now)
    minutes = Minutes.objects.create(
        deliberation=deliberation,
        certifier=deliberation.certifier,
        number=number,
        content=content,
        content_hash=content_hash(content),
        generated_at=now,
    )
    record_event(
        "minutes.generated",
        minutes,
        actor=actor,
        payload={
            "number": number,
            "content_hash": minutes.content_hash,
            "not_decided": [item["candidacy"] for item in content["not_decided"]],
        },
    )
    _move(
        deliberation,
        DeliberationStatus.SIGNING,
        actor=actor,
        payload={"minutes": number, "content_hash": minutes.content_hash},
    )
    return minutes


def _check_standings(deliberation, entries, decided) -> None:
    """A decision recorded for a candidate this jury can no longer decide on (a conflict
    declared afterwards) cannot go into the PV: the candidate is withdrawn first
    (deliberations.remove_candidate withdraws the unsigned decision, audited)."""
    decided_entries = [e.candidacy for e in entries if e.candidacy_id in decided]
    problems = [
        f"{found.candidacy.candidate.full_name} : une décision est enregistrée, mais "
        + " ".join(found.problems)
        + " Retirez ce candidat de la liste (sa décision non signée est annulée)."
        for found in standing.standings(deliberation, decided_entries).values()
        if not found.may_decide
    ]
    if problems:
        raise JuryError("La délibération ne peut pas être close.", problems=problems)


@transaction.atomic
def reopen(deliberation: Deliberation, *, actor) -> Deliberation:
    """Back to deliberating, only before any signature; the PV stays, marked superseded."""
    deliberation = _locked(deliberation)
    if deliberation.status != DeliberationStatus.SIGNING:
        raise JuryError(
            "Seule une délibération dont le procès-verbal attend les signatures peut être "
            f"rouverte : celle-ci est « {deliberation.get_status_display()} »."
        )
    minutes = current_minutes(deliberation)
    if minutes is not None and minutes.signatures.exists():
        raise JuryError(
            f"Le procès-verbal {minutes.number} a déjà été signé par un membre du jury : la "
            "délibération ne peut plus être rouverte."
        )
    if minutes is not None:
        Minutes.objects.filter(pk=minutes.pk).update(superseded=True)
        record_event("minutes.superseded", minutes, actor=actor, payload={"number": minutes.number})
    _move(
        deliberation,
        DeliberationStatus.OPEN,
        actor=actor,
        payload={"superseded_minutes": minutes.number if minutes else ""},
    )
    return deliberation


@transaction.atomic
def sign(minutes: Minutes, user, *, password: str, actor) -> MinutesSignature:
    """One member's signature; the last one freezes the decisions (see the module doc)."""
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    deliberation = _locked(minutes.deliberation)
    if minutes.superseded or deliberation.status != DeliberationStatus.SIGNING:
        raise JuryError(
            f"Le procès-verbal {minutes.number} n'est pas à signer (délibération "
            f"« {deliberation.get_status_display()} »)."
        )
    member = deliberation.members.filter(user=user).first()
    if member is None:
        raise JuryError(
            "Vous ne siégez pas dans ce jury : vous ne pouvez pas signer ce procès-verbal."
        )
    if not member.present:
        raise JuryError("Vous étiez absent(e) de la délibération : vous ne pouvez pas signer.")
    if not password or not user.check_password(password):
        raise JuryError(
            "Mot de passe incorrect : la signature n'est pas enregistrée.", field="password"
        )
    if content_hash(minutes.content) != minutes.content_hash:
        raise JuryError(
            "Le procès-verbal a été modifié depuis son établissement (son empreinte ne "
            "correspond plus) : signature refusée. Prévenez le responsable des épreuves."
        )
    if minutes.signatures.filter(member=member).exists():
        raise JuryError("Vous avez déjà signé ce procès-verbal.")
    signature = MinutesSignature.objects.create(
        minutes=minutes, member=member, signed_at=timezone.now(), content_hash=minutes.content_hash
    )
    record_event(
        "minutes.signed",
        minutes,
        actor=actor,
        payload={
            "number": minutes.number,
            "member": member.pk,
            "role": member.role,
            "content_hash": minutes.content_hash,
        },
    )
    if minutes.signatures.count() == deliberation.members.count():
        _finalise(deliberation, minutes, actor=actor)
    # A signed checkpoint of the audit chain after every signature (truncation check).
    checkpoint_on_commit("minutes.signed")
    return signature


def _finalise(deliberation: Deliberation, minutes: Minutes, *, actor) -> None:
    """Last signature: decisions frozen, ledger written, candidacies decided, notified."""
    _move(
        deliberation,
        DeliberationStatus.SIGNED,
        actor=actor,
        payload={"minutes": minutes.number, "content_hash": minutes.content_hash},
    )
    decisions = list(deliberation.decisions.select_related("candidacy").order_by("pk"))
    # A queryset update: a frozen row refuses save(), and this is the one place that
    # freezes.
    Decision.objects.filter(deliberation=deliberation).update(frozen=True)
    record_events(
        [
            {
                "verb": "decision.frozen",
                "obj": decision,
                "payload": {
                    "minutes": minutes.number,
                    "content_hash": minutes.content_hash,
                    "kind": decision.kind,
                    "corrects": decision.corrects_id,
                },
            }
            for decision in decisions
        ],
        actor=actor,
    )
    for decision in decisions:
        decision.frozen = True
        ledger.record_held_blocks(decision, actor=actor)
        if decision.corrects_id is not None:
            hooks.decision_corrected(decision.corrects, decision, actor=actor)
        # record_decision is a guarded move (only this verb makes it); a correction's
        # candidacy is already decided.
        if decision.candidacy.status == CandidacyStatus.AWAITING_JURY:
            record_decision(
                decision.candidacy, decision=decision, minutes_number=minutes.number, actor=actor
            )
    pk = deliberation.pk
    transaction.on_commit(lambda: notifications.notify_decisions(Deliberation.objects.get(pk=pk)))


def signatures_state(minutes: Minutes) -> list[dict]:
    """Each member and their signature (or none yet), in the order of the jury."""
    signed = {signature.member_id: signature for signature in minutes.signatures.all()}
    return [
        {"member": member, "signature": signed.get(member.pk)}
        for member in minutes.deliberation.members.select_related("user").order_by("pk")
    ]
