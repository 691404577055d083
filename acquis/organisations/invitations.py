"""Invite people into an organisation with a role; they choose their password from a link.

The link carries Django's password-reset token (`default_token_generator`) and the user id in
base 64: the token is signed with SECRET_KEY, expires after PASSWORD_RESET_TIMEOUT and stops
working once the password is set (it hashes the password field), so no invitation table is
needed. An invited person who has no account yet gets an inactive account without a usable
password ("invitation en attente") until they choose their password.

Who may grant which role (domain.md, "People and roles"):
- the certifier's administrator: any certifier role in their certifier, and the partner
  staff role in one of its partner organisations (only that role there);
- the exam manager: jurors and candidates, in their certifier only;
- nobody else, and nobody in another certifier's organisations.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from acquis.audit.services import record_event
from acquis.emails.enums import EmailKind
from acquis.emails.services import render, send_email
from acquis.organisations.enums import CERTIFIER_STAFF_ROLES, OrganisationKind, Role
from acquis.organisations.exceptions import OrganisationError
from acquis.organisations.models import Membership, Organisation, RoleInvitation, User
from acquis.organisations.services import grant_role
from acquis.site import public_url

logger = logging.getLogger(__name__)

CERTIFIER_GRANTABLE = (Role.ADMIN, Role.EXAM_MANAGER, Role.JUROR, Role.CANDIDATE)
PARTNER_GRANTABLE = (Role.PARTNER_STAFF,)
EXAM_MANAGER_GRANTABLE = (Role.JUROR, Role.CANDIDATE)

INVALID_LINK = (
    "Ce lien n'est plus valide : il a expiré ou a déjà servi. Demandez une nouvelle "
    "invitation à la personne qui vous a invité."
)


@dataclass(frozen=True)
class Invitation:
    user: User
    membership: Membership | None
    new_user: bool
    accept_url: str
    """The set-password link; empty when the person already has an active account."""
    offer: RoleInvitation | None = None
    """The pending invitation an existing account accepts or declines, logged in."""


# --- who may grant what ------------------------------------------------------------------


def certifier_of(organisation: Organisation) -> Organisation:
    if organisation.kind == OrganisationKind.CERTIFIER:
        return organisation
    return organisation.certifier


def staff_roles(actor) -> dict[int, frozenset[str]]:
    """The actor's staff roles (admin, exam manager) per certifier id, in one query."""
    if actor is None or not actor.is_authenticated:
        return {}
    roles: dict[int, set[str]] = {}
    for org_id, role in actor.memberships.filter(
        role__in=CERTIFIER_STAFF_ROLES, organisation__kind=OrganisationKind.CERTIFIER
    ).values_list("organisation_id", "role"):
        roles.setdefault(org_id, set()).add(role)
    return {org_id: frozenset(values) for org_id, values in roles.items()}


def may_administer(actor, certifier: Organisation, *, staff=None) -> bool:
    """The actor is the certifier's administrator (a superuser is everywhere)."""
    if actor is None or not actor.is_authenticated:
        return False
    if actor.is_superuser:
        return True
    staff = staff_roles(actor) if staff is None else staff
    return Role.ADMIN in staff.get(certifier.pk, frozenset())


def grantable_roles(actor, organisation: Organisation, *, staff=None) -> tuple[Role, ...]:
    """The roles the actor may grant in this organisation (empty: none)."""
    if actor is None or not actor.is_authenticated:
        return ()
    staff = staff_roles(actor) if staff is None else staff
    certifier = certifier_of(organisation)
    is_partner = organisation.kind == OrganisationKind.PARTNER
    if may_administer(actor, certifier, staff=staff):
        return PARTNER_GRANTABLE if is_partner else CERTIFIER_GRANTABLE
    if Role.EXAM_MANAGER in staff.get(certifier.pk, frozenset()) and not is_partner:
        return EXAM_MANAGER_GRANTABLE
    return ()


def invitable_organisations(actor) -> dict[Organisation, tuple[Role, ...]]:
    """Organisations the actor may invite into, with the roles they may grant in each."""
    staff = staff_roles(actor)
    if actor is None or not actor.is_authenticated or not (staff or actor.is_superuser):
        return {}
    certifiers = Organisation.objects.filter(kind=OrganisationKind.CERTIFIER)
    if not actor.is_superuser:
        certifiers = certifiers.filter(pk__in=staff)
    organisations = Organisation.objects.filter(
        pk__in=certifiers.values("pk")
    ) | Organisation.objects.filter(certifier__in=certifiers.values("pk"))
    result = {}
    for organisation in organisations.select_related("certifier").order_by("kind", "name"):
        roles = grantable_roles(actor, organisation, staff=staff)
        if roles:
            result[organisation] = roles
    return result


def check_may_invite(actor, organisation: Organisation, role: Role) -> None:
    """Raise OrganisationError, saying why, unless the actor may grant this role there."""
    staff = staff_roles(actor)
    if role in grantable_roles(actor, organisation, staff=staff):
        return
    certifier = certifier_of(organisation)
    if not staff and not getattr(actor, "is_superuser", False):
        raise OrganisationError(
            "Seul le personnel du certificateur peut inviter des utilisateurs.", field="role"
        )
    if certifier.pk not in staff and not actor.is_superuser:
        raise OrganisationError(
            f"« {organisation} » ne relève pas de votre certificateur : vous ne pouvez pas "
            "y inviter quelqu'un.",
            field="organisation",
        )
    if not may_administer(actor, certifier, staff=staff):
        raise OrganisationError(
            "Le responsable de l'organisation des épreuves peut inviter des membres de jury "
            "et des candidats, chez le certificateur uniquement.",
            field="role",
        )
    if organisation.kind == OrganisationKind.PARTNER:
        raise OrganisationError(
            f"Dans un organisme partenaire, seul le rôle « {Role.PARTNER_STAFF.label} » "
            "peut être attribué.",
            field="role",
        )
    raise OrganisationError(
        f"Le rôle « {Role.PARTNER_STAFF.label} » s'attribue dans un organisme partenaire, "
        "pas chez le certificateur.",
        field="role",
    )


# --- inviting ----------------------------------------------------------------------------


def is_pending(user: User) -> bool:
    """Invited, password not chosen yet."""
    return not user.is_active and not user.has_usable_password()


def invite_user(*, email, first_name, last_name, organisation, role, actor) -> Invitation:
    """Grant a role to a person (creating their account if new) and email them the link.

    The email goes after the database transaction: a slow mail server never holds the
    database lock, and a failed sending leaves a pending invitation that can be sent again
    by inviting the same person again.
    """
    invitation = _record_invitation(
        email=email,
        first_name=first_name,
        last_name=last_name,
        organisation=organisation,
        role=role,
        actor=actor,
    )
    _send_invitation_email(invitation, actor)
    return invitation


@transaction.atomic
def _record_invitation(*, email, first_name, last_name, organisation, role, actor) -> Invitation:
    """A new address gets a pending account holding the role (choosing the password is the
    consent). An address that already has an account anywhere on the installation gets a
    pending `RoleInvitation` instead: no role until that person, logged in, accepts it, and
    the inviter learns nothing about the account (same message, same list)."""
    email = _clean_email(email)
    role = _clean_role(role)
    check_may_invite(actor, organisation, role)
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    certifier = certifier_of(organisation)
    if user is None:
        user = User.objects.create_user(
            email,
            None,  # unusable password until the invitation is accepted
            first_name=(first_name or "").strip(),
            last_name=(last_name or "").strip(),
            is_active=False,
        )
        return _grant_and_record(user, organisation, role, actor, new_user=True)
    known_here = _known_to(user, certifier)
    if is_pending(user) and known_here:
        # Invited by this certifier and not activated yet: the link is sent again.
        return _grant_and_record(user, organisation, role, actor, new_user=False)
    if not user.is_active and user.has_usable_password() and known_here:
        raise OrganisationError(
            f"Le compte {email} est désactivé : un administrateur doit le réactiver avant "
            "de lui attribuer un rôle.",
            field="email",
        )
    offer = RoleInvitation.objects.filter(
        email=user.email, organisation=organisation, role=role, status=RoleInvitation.Status.PENDING
    ).first() or RoleInvitation.objects.create(
        email=user.email,
        first_name=(first_name or "").strip(),
        last_name=(last_name or "").strip(),
        organisation=organisation,
        role=role,
        invited_by=actor if actor is not None and actor.pk else None,
    )
    record_event(
        "user.role_offered",
        offer,
        actor=actor,
        payload={"organisation_id": organisation.pk, "role": role},
    )
    accept_url = _accept_url(user) if is_pending(user) else ""
    return Invitation(user, None, False, accept_url, offer)


def _known_to(user: User, certifier: Organisation) -> bool:
    """The person already holds a role with this certifier or one of its partners."""
    return user.memberships.filter(
        models.Q(organisation=certifier) | models.Q(organisation__certifier=certifier)
    ).exists()


def _grant_and_record(user, organisation, role, actor, *, new_user: bool) -> Invitation:
    membership = grant_role(user, organisation, role, actor=actor)
    record_event(
        "user.invited",
        user,
        actor=actor,
        payload={
            "email": user.email,
            "organisation": organisation.name,
            "organisation_id": organisation.pk,
            "role": role,
            "new_user": new_user,
        },
    )
    accept_url = _accept_url(user) if is_pending(user) else ""
    return Invitation(user, membership, new_user, accept_url)


def _clean_email(email) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise OrganisationError(
            "Adresse électronique : saisissez une adresse valide.", field="email"
        ) from exc
    return email


def _clean_role(role) -> Role:
    try:
        return Role(role)
    except ValueError as exc:
        raise OrganisationError("Rôle : choisissez un rôle de la liste.", field="role") from exc


def _accept_url(user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:accept_invitation", kwargs={"uidb64": uidb64, "token": token})
    return public_url(path)


def _send_invitation_email(invitation: Invitation, actor) -> None:
    offer = invitation.offer
    organisation = offer.organisation if offer else invitation.membership.organisation
    role = offer.role if offer else invitation.membership.role
    context = {
        "user": invitation.user,
        "organisation": organisation,
        "certifier": certifier_of(organisation),
        "role_label": Role(role).label,
        "actor_name": actor.get_full_name() or actor.email,
        "accept_url": invitation.accept_url,
        "login_url": public_url(reverse("accounts:login")),
        "validity": link_validity(),
        "invitations_url": public_url(reverse("accounts:my_invitations")),
    }
    if offer is not None:
        template = "role_offered"
    else:
        template = "invitation" if invitation.accept_url else "role_granted"
    subject, body = render(template, context)
    log = send_email(
        kind=EmailKind.INVITATION,
        to=invitation.user.email,
        subject=subject,
        body=body,
        certifier=context["certifier"],
        actor=actor,
    )
    if log.failed:  # the invitation stands; the log shows the failure and allows a resend
        logger.warning("Invitation e-mail to user %s failed: %s", invitation.user.pk, log.error)


def link_validity() -> str:
    """How long a set-password link works, in French ("3 jours")."""
    seconds = settings.PASSWORD_RESET_TIMEOUT
    days, hours = seconds // 86400, max(1, seconds // 3600)
    if days >= 1:
        return f"{days} jour{'s' if days > 1 else ''}"
    return f"{hours} heure{'s' if hours > 1 else ''}"


# --- accepting ---------------------------------------------------------------------------


def invited_user(uidb64: str, token: str) -> User:
    """The person a set-password link designates; OrganisationError if the link is dead."""
    user = _user_from_uid(uidb64)
    if user is None or not is_pending(user) or not default_token_generator.check_token(user, token):
        raise OrganisationError(INVALID_LINK)
    return user


@transaction.atomic
def accept_invitation(uidb64: str, token: str, password: str) -> User:
    """Activate the invited account with the chosen password (checked by the validators)."""
    user = _user_from_uid(uidb64, lock=True)
    if user is None or not is_pending(user) or not default_token_generator.check_token(user, token):
        raise OrganisationError(INVALID_LINK)
    _validate_password(password, user)
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    record_event(
        "user.invitation_accepted",
        user,
        actor=user,
        from_state="pending",
        to_state="active",
        payload={"email": user.email},
    )
    return user


@transaction.atomic
def reset_password(user: User, password: str) -> User:
    """Set a forgotten password from a reset link (the link was checked by the caller)."""
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record_event("user.password_reset", user, actor=user, payload={"email": user.email})
    return user


def _validate_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise OrganisationError(
            "Ce mot de passe ne convient pas.", field="password", issues=exc.messages
        ) from exc


def _user_from_uid(uidb64: str, *, lock: bool = False) -> User | None:
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    users = User.objects.select_for_update() if lock else User.objects
    return users.filter(pk=pk).first()


# --- role invitations of existing accounts (« Mes invitations ») --------------------------


def pending_offers(user: User):
    return (
        RoleInvitation.objects.filter(
            email__iexact=user.email, status=RoleInvitation.Status.PENDING
        )
        .select_related("organisation", "organisation__certifier")
        .order_by("created_at")
    )


@transaction.atomic
def decide_offer(offer_id: int, user: User, *, accept: bool) -> RoleInvitation:
    """The logged-in person accepts (the role is granted) or declines an invitation
    addressed to their e-mail address."""
    offer = (
        RoleInvitation.objects.select_for_update()
        .filter(pk=offer_id, email__iexact=user.email, status=RoleInvitation.Status.PENDING)
        .select_related("organisation")
        .first()
    )
    if offer is None:
        raise OrganisationError("Cette invitation n'existe pas ou a déjà reçu une réponse.")
    offer.status = RoleInvitation.Status.ACCEPTED if accept else RoleInvitation.Status.DECLINED
    offer.decided_at = timezone.now()
    offer.save(update_fields=["status", "decided_at"])
    if accept:
        grant_role(user, offer.organisation, offer.role, actor=user)
    record_event(
        "user.role_invitation_accepted" if accept else "user.role_invitation_declined",
        offer,
        actor=user,
        from_state=RoleInvitation.Status.PENDING,
        to_state=offer.status,
        payload={"organisation_id": offer.organisation_id, "role": offer.role},
    )
    return offer
