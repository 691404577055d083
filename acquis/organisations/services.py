"""Verbs on organisations and users."""

from django.db import transaction

from acquis.audit.services import record_event
from acquis.organisations.enums import OrganisationKind, Role
from acquis.organisations.models import Membership, Organisation, User


@transaction.atomic
def ensure_certifier(*, name: str, siret: str = "", address: str = "", actor=None) -> Organisation:
    """The certifier organisation of that name, created on first call."""
    organisation, created = Organisation.objects.get_or_create(
        kind=OrganisationKind.CERTIFIER,
        name=name,
        defaults={"siret": siret or "", "address": address or ""},
    )
    if created:
        record_event(
            "organisation.created", organisation, actor=actor, payload={"kind": "certifier"}
        )
    return organisation


@transaction.atomic
def grant_role(user: User, organisation: Organisation, role: Role, *, actor=None) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if created:
        record_event(
            "membership.granted",
            membership,
            actor=actor,
            payload={"user": user.email, "organisation": organisation.name, "role": role},
        )
    return membership
