"""Verbs of juror records and evaluation sessions; the panel validator."""

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from acquis.audit.services import record_event
from acquis.documents.services import DocumentError, store_upload
from acquis.evaluations import bookings, conflicts, eligibility
from acquis.evaluations.enums import (
    SESSION_TRANSITIONS,
    ConflictKind,
    PanelRule,
    SessionStatus,
    SlotStatus,
)
from acquis.evaluations.exceptions import EvaluationError
from acquis.evaluations.models import (
    ConflictDeclaration,
    EvaluationSession,
    JurorProfile,
    JurorTraining,
    PanelMember,
)
from acquis.evaluations.planning import assign_assessors, cancel_slot, default_deliverables_due
from acquis.evaluations.session_workflow import move_session
from acquis.evaluations.sessions import check_dates
from acquis.organisations.enums import CERTIFIER_STAFF_ROLES, Role
from acquis.organisations.models import User
from acquis.referential.columns import light_versions
from acquis.referential.enums import VersionStatus


@transaction.atomic
def record_juror(
    *,
    user,
    certifier,
    sector: str,
    role: str,
    years_experience: int,
    represents_certifier: bool = False,
    structure: str = "",
    structure_siret: str = "",
    proof=None,
    actor=None,
) -> JurorProfile:
    """Create or update a juror's record (sector, experience, role, structure, link with the
    certifier). The sector is a code of the referential's closed list (`rules.sectors`) or
    another sector, which the panel and jury checks then refuse."""
    if years_experience is None or years_experience < 0 or years_experience > 60:
        raise EvaluationError("Années d'expérience : un nombre entre 0 et 60.")
    if not (sector or "").strip() or not (role or "").strip():
        raise EvaluationError("Le secteur et la fonction exercée sont obligatoires.")
    siret = (structure_siret or "").replace(" ", "")
    if siret and (len(siret) != 14 or not siret.isdigit()):
        raise EvaluationError("SIRET de la structure : 14 chiffres.")
    document = None
    if proof is not None:
        try:
            document = store_upload(
                proof, kind="juror_experience_proof", actor=actor, field_label="pièce justificative"
            )
        except DocumentError as exc:
            raise EvaluationError(str(exc)) from exc
    profile, created = JurorProfile.objects.update_or_create(
        user=user,
        defaults={
            "certifier": certifier,
            "sector": sector.strip(),
            "role": role.strip(),
            "years_experience": years_experience,
            "represents_certifier": represents_certifier,
            "structure": (structure or "").strip(),
            "structure_siret": siret,
        },
    )
    if document is not None:
        profile.experience_proof = document
        profile.save(update_fields=["experience_proof"])
    record_event(
        "juror.recorded" if created else "juror.updated",
        profile,
        actor=actor,
        payload={
            "years": years_experience,
            "role": role,
            "sector": sector,
            "structure": profile.structure,
            "represents_certifier": represents_certifier,
        },
    )
    return profile


def trainer_candidates(certifier):
    """Users who may give a juror training: the certifier's staff (the referential names the
    role: `juror_training.trainer_role`, checked by record_training)."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation=certifier,
            memberships__role__in=CERTIFIER_STAFF_ROLES,
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


@transaction.atomic
def record_training(
    juror: JurorProfile,
    *,
    version,
    trained_on: date,
    trainer,
    attendance=None,
    actor=None,
) -> JurorTraining:
    """A juror trained to a version of the referential, by a user of the certifier, with the
    attendance record (`rules.juror_training`: who trains, whether the record is required)."""
    rule = eligibility.training_rule(version.rules or {})
    problems = []
    if trained_on is None or trained_on > timezone.localdate():
        problems.append("Date de formation : une formation ne se déclare qu'une fois faite.")
    if version.certification.owner_id not in (None, juror.certifier_id):
        problems.append("Référentiel : il n'appartient pas au certificateur du membre de jury.")
    roles = trainer.roles_in(juror.certifier) if trainer is not None else set()
    if trainer is None or not trainer.is_active:
        problems.append("Formé par : choisissez la personne du certificateur qui a formé le juré.")
    elif trainer.pk == juror.user_id:
        problems.append("Formé par : un membre de jury ne se forme pas lui-même.")
    elif rule.trainer_role and rule.trainer_role not in roles:
        named = Role(rule.trainer_role).label.lower()
        problems.append(
            f"Formé par : {trainer} n'a pas le rôle « {named} » chez {juror.certifier} ; le "
            "référentiel exige que les membres de jury soient formés par cette personne."
        )
    elif not roles & set(CERTIFIER_STAFF_ROLES):
        problems.append(f"Formé par : {trainer} ne fait pas partie du personnel du certificateur.")
    if attendance is None and rule.attendance_required:
        problems.append(
            "Feuille d'émargement : joignez la feuille d'émargement (ou l'attestation de "
            "présence) de la formation."
        )
    if problems:
        raise EvaluationError("Formation non enregistrée.", problems)
    document = None
    if attendance is not None:
        try:
            document = store_upload(
                attendance,
                kind="juror_training_attendance",
                actor=actor,
                field_label="Feuille d'émargement",
            )
        except DocumentError as exc:
            raise EvaluationError(str(exc)) from exc
    role = rule.trainer_role if rule.trainer_role in roles else min(roles & CERTIFIER_STAFF_ROLES)
    training = JurorTraining.objects.create(
        juror=juror,
        version=version,
        trained_on=trained_on,
        trainer=trainer,
        trainer_role=role,
        attendance_record=document,
    )
    record_event(
        "juror.trained",
        juror,
        actor=actor,
        payload={
            "on": str(trained_on),
            "trainer": trainer.pk,
            "trainer_role": role,
            "version": version.pk,
            "attendance_sha256": document.sha256 if document else None,
        },
    )
    return training


@transaction.atomic
def declare_conflict(
    juror: JurorProfile, *, candidate, kind: str, note: str = "", actor=None
) -> ConflictDeclaration:
    if kind not in ConflictKind.values:
        raise EvaluationError("Lien inconnu.")
    if kind == ConflictKind.OTHER and not note.strip():
        raise EvaluationError("Précisez le lien.")
    declaration = ConflictDeclaration.objects.create(
        juror=juror, candidate=candidate, kind=kind, note=note.strip(), declared_at=timezone.now()
    )
    record_event(
        "juror.conflict_declared",
        juror,
        actor=actor,
        payload={"candidate": candidate.pk, "kind": kind},
    )
    return declaration


def conflict_with(juror: JurorProfile, candidacy) -> str | None:
    """Why this juror may not assess this candidacy, or None (conflicts.conflicts: a declared
    link, the partner that trained the candidate, the structure where the candidate works)."""
    person = conflicts.person_of(juror)
    return conflicts.conflicts([person], [candidacy]).get((juror.user_id, candidacy.pk))


# --- sessions and the panel validator --------------------------------------------------


@transaction.atomic
def plan_session(
    *,
    certifier,
    version,
    title: str,
    on: date,
    place: str = "",
    remote: bool = False,
    deliverables_due_at=None,
    history: bool = False,
    today: date | None = None,
    actor=None,
) -> EvaluationSession:
    """Plan a session. With `today` (the web form passes the day), a past day or deadline is
    refused unless `history` says the session already took place (sessions.check_dates)."""
    if version.status != VersionStatus.PUBLISHED:
        raise EvaluationError("Une session se planifie sur un référentiel publié.")
    if not (title or "").strip():
        raise EvaluationError("Intitulé : indiquez l'intitulé de la session.", field="title")
    if not remote and not place.strip():
        raise EvaluationError("Lieu : indiquez le lieu, ou cochez « à distance ».", field="place")
    check_dates(on, deliverables_due_at, today=today, history=history)
    due = deliverables_due_at or default_deliverables_due(on, version.rules)
    session = EvaluationSession.objects.create(
        certifier=certifier,
        version=version,
        title=title.strip(),
        date=on,
        place=place.strip(),
        remote=remote,
        deliverables_due_at=due,
    )
    record_event(
        "session.planned",
        session,
        actor=actor,
        to_state=session.status,
        payload={"history": True} if history else None,
    )
    return session


@transaction.atomic
def add_panel_member(session: EvaluationSession, juror: JurorProfile, *, actor=None):
    session = EvaluationSession.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.PLANNED:
        raise EvaluationError(
            "Le jury d'une session confirmée ne change plus : rouvrez-le d'abord."
        )
    if juror.certifier_id != session.certifier_id:
        raise EvaluationError(f"{juror} n'est pas membre de jury de ce certificateur.")
    try:
        with transaction.atomic():
            member = PanelMember.objects.create(session=session, juror=juror)
    except IntegrityError as exc:
        raise EvaluationError(f"{juror} fait déjà partie du jury.") from exc
    _refuse_double_booking(session, juror)
    record_event("session.panel_member_added", session, actor=actor, payload={"juror": juror.pk})
    return member


def _refuse_double_booking(session: EvaluationSession, juror: JurorProfile) -> None:
    """A new panel member sits by default on every slot not assigned by hand: none of them
    may overlap a sitting of theirs in another session of the certifier."""

    slots = session.slots.filter(status=SlotStatus.SCHEDULED, assessors_chosen=False)
    sittings = [
        bookings.Sitting(
            session=session,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            jurors={juror.pk: str(juror)},
            slot_id=slot.pk,
            firm=False,
        )
        for slot in slots
    ]
    found = bookings.clashes(session.certifier_id, sittings, within=False)
    if found:
        raise EvaluationError(f"{juror} non ajouté(e) au jury : " + " ".join(found))


@dataclass(frozen=True)
class PanelProblem:
    rule: str
    message: str
    juror: JurorProfile | None = None

    @property
    def rule_label(self) -> str:
        return PanelRule(self.rule).label


def panel_members(session: EvaluationSession) -> list[JurorProfile]:
    """The panel's juror records, with what the checks read (trainings and their versions)."""
    return [
        member.juror
        for member in session.panel.select_related("juror__user").prefetch_related(
            Prefetch(
                "juror__trainings",
                queryset=light_versions(
                    JurorTraining.objects.select_related("version", "trainer"), "version__"
                ),
            )
        )
    ]


def member_problems(juror: JurorProfile, session, rules) -> list[PanelProblem]:
    """The conditions this member fails: a professional's, or the representative's own."""
    conditions = rules.representative if juror.represents_certifier else rules.professional
    return [
        PanelProblem(failure.rule, failure.message, juror)
        for failure in eligibility.failures(
            juror,
            conditions,
            version=session.version,
            before=session.date,
            training=rules.training,
            labels=rules.labels,
        )
    ]


def panel_problems(session: EvaluationSession) -> list[PanelProblem]:
    """Every rule of the referential's evaluation panel the panel fails, and for whom.

    Source: "un jury composé de professionnels du secteur qualifiés [...] et d'un représentant
    d'OPS Conseil": each professional meets the professionals' conditions, the representative
    their own (`evaluation_panel.representative`), and the panel counts at least
    `min_professionals` qualified professionals besides the representative (never the
    representative alone).
    """
    rules = eligibility.panel_rules(session.version)
    members = panel_members(session)
    if not members:
        return [PanelProblem(PanelRule.NOT_EMPTY, "Le jury d'évaluation n'a aucun membre.")]
    problems: list[PanelProblem] = []
    qualified = 0
    for juror in members:
        own = member_problems(juror, session, rules)
        problems += own
        qualified += not juror.represents_certifier and not own
    if rules.representative_required and not any(j.represents_certifier for j in members):
        problems.append(
            PanelProblem(
                PanelRule.CERTIFIER_REPRESENTATIVE, "Aucun membre ne représente le certificateur."
            )
        )
    if qualified < rules.min_professionals:
        problems.append(PanelProblem(PanelRule.PROFESSIONALS, professionals_text(qualified, rules)))
    return problems


def professionals_text(count: int, rules) -> str:
    besides = " en plus du représentant du certificateur" if rules.representative_required else ""
    found = (
        "ne compte aucun professionnel qualifié"
        if not count
        else f"compte {count} professionnel(s) qualifié(s)"
    )
    return (
        f"Le jury {found} du secteur{besides} ; le référentiel en exige au moins "
        f"{rules.min_professionals}."
    )


@transaction.atomic
def confirm_panel(session: EvaluationSession, *, actor=None) -> EvaluationSession:
    """Confirm the panel, only when it satisfies every rule (all failures listed)."""
    locked = EvaluationSession.objects.select_for_update().get(pk=session.pk)
    if locked.status == SessionStatus.PLANNED:
        problems = panel_problems(locked)
        problems += assign_assessors(locked)
        if problems:
            raise EvaluationError("Le jury ne respecte pas les règles du référentiel.", problems)
    members = list(locked.panel.values_list("juror_id", flat=True))
    move_session(locked, SessionStatus.PANEL_CONFIRMED, actor=actor, payload={"members": members})
    session.status = locked.status
    return session


@transaction.atomic
def reopen_panel(session: EvaluationSession, *, actor=None) -> EvaluationSession:
    locked = EvaluationSession.objects.select_for_update().get(pk=session.pk)
    move_session(locked, SessionStatus.PLANNED, actor=actor)
    session.status = locked.status
    return session


@transaction.atomic
def cancel_session(session: EvaluationSession, *, reason: str, actor=None) -> EvaluationSession:
    if not reason.strip():
        raise EvaluationError("Indiquez le motif de l'annulation.")
    locked = EvaluationSession.objects.select_for_update().get(pk=session.pk)
    if (locked.status, SessionStatus.CANCELLED) not in SESSION_TRANSITIONS:
        # Refused by the workflow (its French message) before any slot is touched.
        move_session(locked, SessionStatus.CANCELLED, actor=actor, payload={"reason": reason})
    # Every planned slot is cancelled with the reason: whoever was convoked (candidate,
    # assessors) is told, with the calendar cancellation (planning.cancel_slot).
    for slot in locked.slots.filter(status=SlotStatus.SCHEDULED).order_by("starts_at", "pk"):
        cancel_slot(slot, reason=f"Session annulée : {reason.strip()}", actor=actor)
    move_session(locked, SessionStatus.CANCELLED, actor=actor, payload={"reason": reason})
    session.status = locked.status
    return session
