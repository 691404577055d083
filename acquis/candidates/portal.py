"""Open a candidate's portal ("Mon dossier"): an account with the candidate role, linked to
the Candidate record, so that the person sees their own dossier and nothing else.

The account comes from the invitation service (acquis.organisations.invitations): it checks
that the actor may grant the candidate role in the candidate's certifier (administrator or
exam manager there), creates a pending account or reuses an existing one, and emails the
set-password link. `invite_user` sends its email after its own transaction, so it is not
wrapped in ours (a slow mail server must not hold the audit chain's lock): the link to the
Candidate is made afterwards in a second, locked transaction that checks again.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction

from acquis.audit.models import AuditEvent
from acquis.audit.services import record_event
from acquis.candidates.exceptions import CandidateError
from acquis.candidates.models import Candidate, Cohort
from acquis.candidates.names import name_order
from acquis.organisations.enums import Role
from acquis.organisations.exceptions import OrganisationError
from acquis.organisations.invitations import invite_user, is_pending
from acquis.organisations.models import User


def give_portal_access(candidate: Candidate, *, actor) -> User:
    """Invite the candidate to their portal and link the account; returns the account.

    Calling it again while the invitation is still pending sends the link again; once the
    candidate has chosen their password, it is refused (the access already exists).
    """
    email = _portal_email(candidate)
    _check_not_linked_elsewhere(candidate, email)
    try:
        invitation = invite_user(
            email=email,
            first_name=candidate.first_name,
            last_name=candidate.usage_name or candidate.birth_name,
            organisation=candidate.certifier,
            role=Role.CANDIDATE,
            actor=actor,
        )
    except OrganisationError as exc:
        raise CandidateError(exc.message, {exc.field or "email": exc.message}) from exc
    return _link(candidate, invitation.user, actor=actor, new_user=invitation.new_user)


def _portal_email(candidate: Candidate) -> str:
    """The address the invitation goes to: the linked account's, else the candidate's."""
    if candidate.user_id is not None:
        user = candidate.user
        if not is_pending(user):
            raise CandidateError(
                f"{candidate.full_name} a déjà accès à son espace candidat ({user.email}).",
                {"email": "L'accès est déjà ouvert."},
            )
        return user.email
    email = (candidate.email or "").strip()
    if not email:
        raise CandidateError(
            "Indiquez d'abord l'adresse électronique du candidat : l'invitation à son espace "
            "candidat lui est envoyée à cette adresse.",
            {"email": "L'adresse électronique est nécessaire pour ouvrir l'espace candidat."},
        )
    return email


def _check_not_linked_elsewhere(candidate: Candidate, email: str) -> None:
    other = (
        Candidate.objects.filter(user__email__iexact=email)
        .exclude(pk=candidate.pk)
        .select_related("certifier")
        .first()
    )
    if other is not None:
        raise CandidateError(
            f"Le compte {email} est déjà celui d'un autre dossier candidat "
            f"({other.full_name}, {other.certifier}) : un compte ne donne accès qu'à un "
            "seul dossier.",
            {"email": "Ce compte est déjà lié à un autre candidat."},
        )


@transaction.atomic
def _link(candidate: Candidate, user: User, *, actor, new_user: bool) -> User:
    locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
    resent = locked.user_id == user.pk
    if locked.user_id is not None and not resent:
        raise CandidateError("Ce candidat vient d'être lié à un autre compte.")
    if not resent:
        # Checked again under the lock: another dossier may have taken the account meanwhile.
        _check_not_linked_elsewhere(locked, user.email)
        locked.user = user
        try:
            with transaction.atomic():
                locked.save(update_fields=["user"])
        except IntegrityError as exc:  # Candidate.user is one-to-one
            raise CandidateError(
                f"Le compte {user.email} est déjà lié à un autre dossier candidat."
            ) from exc
    candidate.user = user
    record_event(
        "candidate.portal_access_given",
        locked,
        actor=actor,
        payload={"user": user.email, "new_user": new_user, "resent": resent},
    )
    return user


def candidate_by_email(certifier, email: str) -> Candidate | None:
    """The certifier's dossier with this address and no active account yet (the one an
    invitation with the candidate role should open), if exactly one."""
    found = list(
        Candidate.objects.filter(
            certifier=certifier, email__iexact=(email or "").strip()
        ).select_related("user")[:2]
    )
    if len(found) != 1 or (found[0].user_id is not None and not is_pending(found[0].user)):
        return None
    return found[0]


# --- what the staff see, and inviting a whole cohort --------------------------------------

PORTAL_LABELS = {
    "none": "Espace candidat non ouvert",
    "pending": "Invitation envoyée, compte pas encore activé",
    "active": "Espace candidat actif",
}


@dataclass(frozen=True)
class PortalStatus:
    code: str
    """"none" (no account linked), "pending" (invited, password not chosen), "active"."""
    email: str = ""
    invited_at: datetime | None = None

    @property
    def label(self) -> str:
        return PORTAL_LABELS[self.code]

    @property
    def may_invite(self) -> bool:
        """The staff may (re)send the invitation: no access yet, or still pending."""
        return self.code != "active"


def portal_status(candidate: Candidate) -> PortalStatus:
    """Where the candidate's access to her space stands, with the last invitation's date."""
    if candidate.user_id is None:
        return PortalStatus("none")
    user = candidate.user
    last = (
        AuditEvent.objects.for_object(candidate)
        .filter(verb="candidate.portal_access_given")
        .order_by("-created_at", "-pk")
        .values_list("created_at", flat=True)
        .first()
    )
    code = "pending" if is_pending(user) else "active"
    return PortalStatus(code, user.email, last)


@dataclass
class CohortInvitation:
    invited: list[Candidate] = field(default_factory=list)
    already_active: list[Candidate] = field(default_factory=list)
    refused: list[tuple[Candidate, str]] = field(default_factory=list)
    """Candidates not invited, with the French reason (no e-mail address, account taken)."""


def invite_cohort(cohort: Cohort, *, actor) -> CohortInvitation:
    """Open the space of every candidate of the cohort who has none yet (invitations still
    pending are sent again). Each candidate is invited on her own: one without an e-mail
    address is listed with the reason and does not stop the others."""
    result = CohortInvitation()
    candidates = (
        Candidate.objects.filter(candidacies__cohort=cohort)
        .select_related("user", "certifier")
        .distinct()
        .order_by(*name_order(), "pk")
    )
    for candidate in candidates:
        if candidate.user_id is not None and not is_pending(candidate.user):
            result.already_active.append(candidate)
            continue
        try:
            give_portal_access(candidate, actor=actor)
        except CandidateError as exc:
            result.refused.append((candidate, exc.message))
        else:
            result.invited.append(candidate)
    return result
