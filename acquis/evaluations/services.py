"""Verbs of juror records and evaluation sessions; the panel validator."""

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from acquis.audit.services import record_event
from acquis.documents.services import DocumentError, store_upload
from acquis.evaluations.enums import SESSION_TRANSITIONS, ConflictKind, PanelRule, SessionStatus
from acquis.evaluations.exceptions import EvaluationError
from acquis.evaluations.models import (
    ConflictDeclaration,
    EvaluationSession,
    JurorProfile,
    JurorTraining,
    PanelMember,
)
from acquis.evaluations.planning import default_deliverables_due
from acquis.organisations.enums import Role
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
    proof=None,
    actor=None,
) -> JurorProfile:
    """Create or update a juror's record (experience, role, link with the certifier)."""
    if years_experience is None or years_experience < 0 or years_experience > 60:
        raise EvaluationError("Années d'expérience : un nombre entre 0 et 60.")
    if not (sector or "").strip() or not (role or "").strip():
        raise EvaluationError("Le secteur et la fonction exercée sont obligatoires.")
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
        },
    )
    if document is not None:
        profile.experience_proof = document
        profile.save(update_fields=["experience_proof"])
    record_event(
        "juror.recorded" if created else "juror.updated",
        profile,
        actor=actor,
        payload={"years": years_experience, "role": role, "sector": sector},
    )
    return profile


@transaction.atomic
def record_training(
    juror: JurorProfile, *, version, trained_on: date, trained_by: str, actor=None
) -> JurorTraining:
    if trained_on > timezone.localdate():
        raise EvaluationError("Date de formation : une formation ne se déclare qu'une fois faite.")
    training = JurorTraining.objects.create(
        juror=juror, version=version, trained_on=trained_on, trained_by=trained_by.strip()
    )
    record_event(
        "juror.trained",
        juror,
        actor=actor,
        payload={"on": str(trained_on), "by": trained_by, "version": version.pk},
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
    """Why this juror may not assess this candidacy, or None.

    A declared link forbids it; so does being staff of the partner that trained the
    candidate (partner staff never grade their own candidates).
    """
    declared = juror.conflicts.filter(candidate_id=candidacy.candidate_id).first()
    if declared is not None:
        return (
            f"{juror} a déclaré un lien avec ce candidat : {declared.get_kind_display().lower()}."
        )
    if (
        candidacy.partner_id
        and juror.user.memberships.filter(
            organisation_id=candidacy.partner_id, role=Role.PARTNER_STAFF
        ).exists()
    ):
        return f"{juror} fait partie de l'organisme qui a formé ce candidat."
    return None


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
    actor=None,
) -> EvaluationSession:
    if version.status != VersionStatus.PUBLISHED:
        raise EvaluationError("Une session se planifie sur un référentiel publié.")
    if not (title or "").strip():
        raise EvaluationError("Intitulé : indiquez l'intitulé de la session.")
    if deliverables_due_at is not None and timezone.localtime(deliverables_due_at).date() > on:
        raise EvaluationError(
            "Date limite des livrables : elle ne peut pas être après le jour de la session."
        )
    if not remote and not place.strip():
        raise EvaluationError("Lieu : indiquez le lieu, ou cochez « à distance ».")
    session = EvaluationSession.objects.create(
        certifier=certifier,
        version=version,
        title=title.strip(),
        date=on,
        place=place.strip(),
        remote=remote,
        deliverables_due_at=deliverables_due_at or default_deliverables_due(on, version.rules),
    )
    record_event("session.planned", session, actor=actor, to_state=session.status)
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
    record_event("session.panel_member_added", session, actor=actor, payload={"juror": juror.pk})
    return member


@dataclass(frozen=True)
class PanelProblem:
    rule: str
    message: str
    juror: JurorProfile | None = None

    @property
    def rule_label(self) -> str:
        return PanelRule(self.rule).label


def panel_problems(session: EvaluationSession) -> list[PanelProblem]:
    """Every rule of the referential's evaluation_panel the panel fails, and for whom."""
    rules = session.version.rules.get("evaluation_panel") or {}
    members = [m.juror for m in session.panel.select_related("juror__user")]
    if not members:
        return [PanelProblem(PanelRule.NOT_EMPTY, "Le jury d'évaluation n'a aucun membre.")]
    problems: list[PanelProblem] = []
    minimum = rules.get("min_sector_experience_years")
    sector = rules.get("sector") or "le secteur"
    for juror in members:
        if minimum is not None and juror.years_experience < minimum:
            problems.append(
                PanelProblem(
                    PanelRule.EXPERIENCE,
                    (
                        f"{juror} : {juror.years_experience} an(s) d'expérience dans {sector}, "
                        f"{minimum} exigé(s) au minimum."
                    ),
                    juror,
                )
            )
        if minimum is not None and juror.experience_proof_id is None:
            problems.append(
                PanelProblem(
                    PanelRule.EXPERIENCE_PROOF,
                    (f"{juror} : aucune pièce ne justifie son expérience."),
                    juror,
                )
            )
        problems += _role_problems(juror, rules)
        if rules.get("prior_training_required"):
            trained = juror.trainings.filter(
                version__certification_id=session.version.certification_id,
                trained_on__lt=session.date,
            )
            if not trained.exists():
                problems.append(
                    PanelProblem(
                        PanelRule.TRAINING,
                        (
                            f"{juror} : pas de formation au référentiel enregistrée avant le "
                            f"{session.date:%d/%m/%Y}."
                        ),
                        juror,
                    )
                )
    if rules.get("certifier_representative_required") and not any(
        j.represents_certifier for j in members
    ):
        problems.append(
            PanelProblem(
                PanelRule.CERTIFIER_REPRESENTATIVE, "Aucun membre ne représente le certificateur."
            )
        )
    return problems


def _role_problems(juror: JurorProfile, rules: dict) -> list[PanelProblem]:
    accepted = rules.get("accepted_roles") or []
    if not accepted or rules.get("accepted_roles_open"):
        return []  # an open list ("...") accepts any stated role; a stated role is required
    folded = {r.casefold() for r in accepted}
    if juror.role.casefold() in folded:
        return []
    return [
        PanelProblem(
            PanelRule.ROLE,
            (f"{juror} : la fonction « {juror.role} » n'est pas reconnue ({', '.join(accepted)})."),
            juror,
        )
    ]


def _move(session: EvaluationSession, to_status: str, *, actor, payload=None):
    """The one place where a session changes state: checked against the table, audited."""
    verb = SESSION_TRANSITIONS.get((session.status, to_status))
    if verb is None:
        raise EvaluationError(
            f"Action impossible : la session est « {session.get_status_display()} »."
        )
    from_status, session.status = session.status, to_status
    session.save(update_fields=["status"])
    record_event(
        f"session.{verb}",
        session,
        actor=actor,
        from_state=from_status,
        to_state=to_status,
        payload=payload or {},
    )
    return session


@transaction.atomic
def confirm_panel(session: EvaluationSession, *, actor=None) -> EvaluationSession:
    """Confirm the panel, only when it satisfies every rule (all failures listed)."""
    locked = EvaluationSession.objects.select_for_update().get(pk=session.pk)
    if locked.status == SessionStatus.PLANNED:
        from acquis.evaluations.planning import assign_assessors

        problems = panel_problems(locked)
        problems += assign_assessors(locked)
        if problems:
            raise EvaluationError("Le jury ne respecte pas les règles du référentiel.", problems)
    members = list(locked.panel.values_list("juror_id", flat=True))
    _move(locked, SessionStatus.PANEL_CONFIRMED, actor=actor, payload={"members": members})
    session.status = locked.status
    return session


@transaction.atomic
def reopen_panel(session: EvaluationSession, *, actor=None) -> EvaluationSession:
    locked = EvaluationSession.objects.select_for_update().get(pk=session.pk)
    _move(locked, SessionStatus.PLANNED, actor=actor)
    session.status = locked.status
    return session


@transaction.atomic
def cancel_session(session: EvaluationSession, *, reason: str, actor=None) -> EvaluationSession:
    if not reason.strip():
        raise EvaluationError("Indiquez le motif de l'annulation.")
    locked = EvaluationSession.objects.select_for_update().get(pk=session.pk)
    _move(locked, SessionStatus.CANCELLED, actor=actor, payload={"reason": reason})
    session.status = locked.status
    return session
