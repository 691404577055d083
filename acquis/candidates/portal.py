"""Open a candidate's portal ("Mon dossier"): an account with the candidate role, linked to
the Candidate record, so that the person sees their own dossier and nothing else.

The account comes from the invitation service (acquis.organisations.invitations): it checks
that the actor may grant the candidate role in the candidate's certifier (administrator or
exam manager there), creates a pending account or reuses an existing one, and emails the
set-password link. `invite_user` sends its email after its own transaction, so it is not
wrapped in ours (a slow mail server must not hold the audit chain's lock): the link to the
Candidate is made afterwards in a second, locked transaction that checks again.
"""

from django.db import IntegrityError, transaction

from acquis.audit.services import record_event
from acquis.candidates.exceptions import CandidateError
from acquis.candidates.models import Candidate
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
