"""The life of a deliberation before its minutes: jury, candidates, opening, suspension.

    prepared --open--> open --close (minutes.close_deliberation)--> signing --sign--> signed
       ^                 |                                            |
       +----suspend------+  <-------reopen (before any signature)-----+

`_move` is the one place where a deliberation changes state (DELIBERATION_TRANSITIONS,
audited). The jury is composed while the deliberation is prepared; opening requires a
lawful composition and every member present (composition.problems). Candidates may be
added while prepared or open; one is removed only while they have no decision. A candidacy
sits on at most one unsigned deliberation at a time, so that two juries never decide on it.
"""

from datetime import date

from django.db import transaction
from django.db.models import Max

from acquis.audit.services import record_event
from acquis.candidates.enums import CandidacyStatus, Pathway
from acquis.candidates.models import Candidacy
from acquis.candidates.names import name_order
from acquis.juries import composition, decisions, signed, standing
from acquis.juries.enums import (
    DELIBERATION_TRANSITIONS,
    JURY_RULE_KEY,
    DeliberationStatus,
    JuryKind,
)
from acquis.juries.exceptions import JuryError
from acquis.juries.models import BlockDecision, Deliberation, DeliberationCandidate, JuryMember
from acquis.organisations.enums import Role
from acquis.referential.columns import light_versions
from acquis.referential.enums import VersionStatus
from acquis.workflow import Workflow

S = DeliberationStatus
UNSIGNED = (S.PREPARED, S.OPEN, S.SIGNING)
# Candidates join or leave the list while the jury has not closed its deliberation.
LIST_EDITABLE = (S.PREPARED, S.OPEN)


def _locked(deliberation: Deliberation) -> Deliberation:
    locked = (
        Deliberation.objects.select_for_update()
        .select_related("version__certification", "certifier")
        .get(pk=deliberation.pk)
    )
    deliberation.status = locked.status
    return locked


def _require(deliberation: Deliberation, statuses, action: str) -> None:
    if deliberation.status not in statuses:
        raise JuryError(
            f"{action} impossible : la délibération est « {deliberation.get_status_display()} »."
        )


DELIBERATION_WORKFLOW = Workflow(
    "deliberation.",
    DELIBERATION_TRANSITIONS,
    JuryError,
    refusal=lambda deliberation, _to: (
        f"Action impossible : la délibération est « {deliberation.get_status_display()} »."
    ),
)


def _move(deliberation: Deliberation, to_status: str, *, actor, payload=None) -> Deliberation:
    return DELIBERATION_WORKFLOW.apply(deliberation, to_status, actor=actor, payload=payload)


# --- preparation ----------------------------------------------------------------------------


@transaction.atomic
def prepare(certifier, version, *, kind, title, on: date, place, actor) -> Deliberation:
    problems = []
    if kind not in JuryKind.values:
        problems.append("Jury : choisissez un jury de certification ou un jury VAE.")
    if not (title or "").strip():
        problems.append("Intitulé : il est obligatoire.")
    if not (place or "").strip():
        problems.append("Lieu : il est obligatoire (il figure au procès-verbal).")
    if on is None:
        problems.append(
            "Date : elle est obligatoire (elle fixe la date limite d'une validation partielle)."
        )
    if version.certification.owner_id != certifier.pk:
        problems.append("Référentiel : il n'appartient pas à ce certificateur.")
    elif version.status != VersionStatus.PUBLISHED:
        problems.append(f"Référentiel : la version {version} n'est pas publiée.")
    elif kind in JuryKind.values and not version.rules.get(JURY_RULE_KEY[JuryKind(kind)]):
        problems.append(
            f"Référentiel : la version {version} ne fixe pas la composition du {jury_name(kind)}."
        )
    if problems:
        raise JuryError("La délibération n'a pas été préparée.", problems)
    deliberation = Deliberation.objects.create(
        certifier=certifier,
        version=version,
        kind=kind,
        title=title.strip(),
        date=on,
        place=place.strip(),
    )
    record_event(
        "deliberation.prepare",
        deliberation,
        actor=actor,
        to_state=deliberation.status,
        payload={"kind": kind, "date": on.isoformat(), "place": deliberation.place},
    )
    return deliberation


@transaction.atomic
def add_member(
    deliberation: Deliberation, user, *, role, external: bool, organisation="", actor
) -> JuryMember:
    """Seats a person in one of the referential's roles; the rules are checked at opening
    (and shown live), but a person without a juror account could never sign: refused."""
    deliberation = _locked(deliberation)
    _require(deliberation, (S.PREPARED,), "Ajout d'un membre")
    roles = composition.roles_of(deliberation)
    if role not in {code for code, _ in roles}:
        raise JuryError(
            f"Qualité inconnue : « {role} » ne figure pas dans la composition du jury du "
            "référentiel.",
            [
                "Qualité : choisissez une qualité du référentiel ("
                + ", ".join(label for _, label in roles)
                + ")."
            ],
        )
    if (
        not user.is_active
        or not user.memberships.filter(
            organisation_id=deliberation.certifier_id, role=Role.JUROR
        ).exists()
    ):
        raise JuryError(
            f"{user} n'a pas de compte actif de membre de jury chez {deliberation.certifier} : "
            "il ne pourrait pas signer le procès-verbal."
        )
    if deliberation.members.filter(user=user).exists():
        raise JuryError(f"{user} siège déjà dans ce jury.")
    member = JuryMember.objects.create(
        deliberation=deliberation,
        user=user,
        role=role,
        external=bool(external),
        organisation=(organisation or "").strip(),
    )
    record_event(
        "deliberation.add_member",
        deliberation,
        actor=actor,
        payload={"member": str(user), "user_id": user.pk, "role": role, "external": external},
    )
    return member


@transaction.atomic
def remove_member(member: JuryMember, *, actor) -> None:
    deliberation = _locked(member.deliberation)
    _require(deliberation, (S.PREPARED,), "Retrait d'un membre")
    payload = {"member": str(member.user), "user_id": member.user_id, "role": member.role}
    member.delete()
    record_event("deliberation.remove_member", deliberation, actor=actor, payload=payload)


@transaction.atomic
def set_presence(member: JuryMember, present: bool, *, actor) -> JuryMember:
    """Presence is recorded before opening; a member leaving means suspending first."""
    deliberation = _locked(member.deliberation)
    _require(deliberation, (S.PREPARED,), "Modification des présences")
    JuryMember.objects.filter(pk=member.pk).update(present=bool(present))
    member.present = bool(present)
    record_event(
        "deliberation.set_presence",
        deliberation,
        actor=actor,
        payload={"member": str(member.user), "user_id": member.user_id, "present": member.present},
    )
    return member


# --- candidates -----------------------------------------------------------------------------


def jury_name(kind: str) -> str:
    """ "jury de certification" / "jury VAE", inside a sentence."""
    label = JuryKind(kind).label
    return label[0].lower() + label[1:]


def _pathway_fits(deliberation: Deliberation, pathway: str) -> bool:
    """A VAE jury takes VAE candidacies, a certification jury the others."""
    return (pathway == Pathway.VAE) == (deliberation.kind == JuryKind.VAE)


def eligible_candidacies(deliberation: Deliberation, cohort=None):
    """Candidacies that could join the list now (awaiting the jury, on no unsigned list)."""
    pathway_filter = (
        {"pathway": Pathway.VAE}
        if deliberation.kind == JuryKind.VAE
        else {"pathway__in": [Pathway.TRAINING, Pathway.FREE]}
    )
    queryset = (
        Candidacy.objects.filter(
            candidate__certifier=deliberation.certifier_id,
            version=deliberation.version_id,
            status=CandidacyStatus.AWAITING_JURY,
            **pathway_filter,
        )
        .exclude(deliberation_entries__deliberation__status__in=UNSIGNED)
        .select_related("candidate", "cohort")
        .order_by(*name_order("candidate__"), "pk")
    )
    if cohort is not None:
        queryset = queryset.filter(cohort=cohort)
    return queryset


def _refusal(deliberation: Deliberation, candidacy: Candidacy, elsewhere: dict) -> str | None:
    name = candidacy.candidate.full_name
    if candidacy.candidate.certifier_id != deliberation.certifier_id:
        return f"{name} : candidature d'un autre certificateur."
    if candidacy.version_id != deliberation.version_id:
        return f"{name} : inscrit(e) sur un autre référentiel ({candidacy.version})."
    if not _pathway_fits(deliberation, candidacy.pathway):
        jury = jury_name(deliberation.kind)
        return f"{name} : la voie « {candidacy.get_pathway_display()} » ne relève pas d'un {jury}."
    if candidacy.status != CandidacyStatus.AWAITING_JURY:
        return (
            f"{name} : la candidature est « {candidacy.get_status_display()} », "
            "pas « En attente du jury »."
        )
    if candidacy.pk in elsewhere:
        return f"{name} : figure déjà sur la délibération « {elsewhere[candidacy.pk]} »."
    return None


@transaction.atomic
def add_candidates(deliberation: Deliberation, candidacies, *, actor):
    """Adds every candidacy or none: each refusal names the candidate and the rule."""
    deliberation = _locked(deliberation)
    _require(deliberation, LIST_EDITABLE, "Ajout de candidats")
    ids = [c.pk for c in candidacies]
    if not ids:
        raise JuryError("Aucun candidat à ajouter.")
    # Locking the candidacies serialises two lists claiming the same candidate.
    locked = list(
        Candidacy.objects.select_for_update()
        .filter(pk__in=ids)
        .select_related("candidate", "version")
        .order_by("pk")
    )
    by_pk = {c.pk: c for c in locked}
    entries = DeliberationCandidate.objects.filter(
        candidacy_id__in=ids, deliberation__status__in=UNSIGNED
    ).select_related("deliberation")
    elsewhere = {e.candidacy_id: str(e.deliberation) for e in entries}
    problems = [
        message
        for pk in dict.fromkeys(ids)
        if (message := _refusal(deliberation, by_pk[pk], elsewhere)) is not None
    ]
    if problems:
        raise JuryError("Aucun candidat n'a été ajouté.", problems)
    last = deliberation.entries.aggregate(last=Max("position"))["last"] or 0
    created = DeliberationCandidate.objects.bulk_create(
        DeliberationCandidate(deliberation=deliberation, candidacy_id=pk, position=last + i)
        for i, pk in enumerate(dict.fromkeys(ids), start=1)
    )
    record_event(
        "deliberation.add_candidates",
        deliberation,
        actor=actor,
        payload={
            "candidacies": list(dict.fromkeys(ids)),
            "names": [by_pk[pk].candidate.full_name for pk in dict.fromkeys(ids)],
        },
    )
    return created


@transaction.atomic
def remove_candidate(deliberation: Deliberation, candidacy: Candidacy, *, actor) -> None:
    deliberation = _locked(deliberation)
    _require(deliberation, LIST_EDITABLE, "Retrait d'un candidat")
    entry = deliberation.entries.filter(candidacy=candidacy).first()
    name = candidacy.candidate.full_name
    if entry is None:
        raise JuryError(f"{name} ne figure pas sur cette délibération.")
    decision = deliberation.decisions.filter(candidacy=candidacy).first()
    withdrawn = None
    if decision is not None:
        blocked = standing.standing_for(deliberation, candidacy).problems
        if not blocked:
            raise JuryError(
                f"{name} a déjà une décision dans cette délibération : la candidature reste sur "
                "la liste."
            )
        # A decision recorded before a member's conflict came to light cannot stand: it is
        # unsigned (never frozen), so it is withdrawn with the candidate, and audited.
        withdrawn = _withdraw(decision, blocked, actor=actor)
    entry.delete()
    record_event(
        "deliberation.remove_candidate",
        deliberation,
        actor=actor,
        payload={"candidacy": candidacy.pk, "name": name, "withdrawn_decision": withdrawn},
    )


def _withdraw(decision, reasons, *, actor) -> int:
    pk, content = decision.pk, decisions.content(decision)
    record_event(
        "decision.withdrawn",
        decision,
        actor=actor,
        from_state=decision.kind,
        payload=content | {"reasons": reasons},
    )
    BlockDecision.objects.filter(decision=decision).delete()
    decision.delete()
    return pk


# --- opening and suspension -----------------------------------------------------------------


def opening_problems(deliberation: Deliberation) -> list[str]:
    """Why the deliberation cannot open now (French, one line per failed rule)."""
    found = [p.message for p in composition.problems(deliberation)]
    entries = list(deliberation.entries.select_related("candidacy__candidate"))
    if not entries:
        found.append("Candidats : la liste est vide.")
    for entry in entries:
        candidacy = entry.candidacy
        if candidacy.status == CandidacyStatus.DECIDED and _corrects(deliberation, candidacy):
            continue  # a correction deliberation (corrections.start_correction)
        if candidacy.status != CandidacyStatus.AWAITING_JURY:
            found.append(
                f"{candidacy.candidate.full_name} : la candidature est "
                f"« {candidacy.get_status_display()} » ; retirez-la de la liste."
            )
    return found


def _corrects(deliberation, candidacy) -> bool:
    return signed.corrected_decision(deliberation, candidacy) is not None


@transaction.atomic
def open_deliberation(deliberation: Deliberation, *, actor) -> Deliberation:
    locked = _locked(deliberation)
    _require(locked, (S.PREPARED,), "Ouverture")
    problems = opening_problems(locked)
    if problems:
        raise JuryError("La délibération ne peut pas s'ouvrir.", problems)
    members = [
        {"member": str(m.user), "role": m.role, "external": m.external}
        for m in locked.members.select_related("user").order_by("pk")
    ]
    return _move(deliberation, S.OPEN, actor=actor, payload={"members": members})


@transaction.atomic
def suspend(deliberation: Deliberation, *, actor, reason: str = "") -> Deliberation:
    """Back to preparation (a member must leave, the list must change); decisions stay."""
    locked = _locked(deliberation)
    _require(locked, (S.OPEN,), "Suspension")
    return _move(deliberation, S.PREPARED, actor=actor, payload={"reason": reason.strip()})


# --- queries for the screens ----------------------------------------------------------------


def for_member(user):
    """The deliberations where the user sits on the jury, newest first."""
    return (
        light_versions(
            Deliberation.objects.filter(members__user=user).select_related(
                "version__certification", "certifier"
            ),
            "version__",
        )
        .distinct()
        .order_by("-date", "-pk")
    )
