"""The certifier scope of a staff user: which certifiers' data they see, and the one they
work for now.

Every staff query takes its certifier filter from `StaffScope.certifiers` (the QuerySet
methods `for_staff(scope)` of the domain models); what a staff user creates belongs to
`StaffScope.current`. A user who is staff of one certifier works for it implicitly; a user
of several (or a superuser, who is staff of every certifier) chooses it (`choose`), and the
choice is remembered by the caller (the web session) as `current_id`.
"""

from dataclasses import dataclass
from functools import cached_property

from django.db import transaction

from acquis.audit.services import record_event
from acquis.organisations.enums import CERTIFIER_STAFF_ROLES, OrganisationKind
from acquis.organisations.exceptions import OrganisationError
from acquis.organisations.models import Organisation, User

NOT_CHOSEN = "Choisissez d'abord le certificateur pour lequel vous travaillez."


class CertifierNotChosen(OrganisationError):
    """Something needs a certifier and the user, staff of several, has not chosen one."""

    def __init__(self):
        super().__init__(NOT_CHOSEN, field="certifier")


@dataclass(frozen=True)
class StaffScope:
    user: User
    current_id: int | None = None
    """The certifier chosen (read from the session), checked against `certifiers`."""

    @cached_property
    def certifier_ids(self) -> list[int]:
        """The ids of the certifiers whose data the user sees, taken from the user's roles
        (`User.membership_rows`, read once per request with the staff check). Staff queries
        filter by this list: the SQL of a list of ids is built in a third of the time of a
        subquery of the memberships, and every staff list builds two or three of them."""
        if self.user.is_superuser:
            return list(Organisation.objects.certifiers().values_list("pk", flat=True))
        return sorted(
            {
                organisation
                for role, kind, organisation in self.user.membership_rows
                if role in CERTIFIER_STAFF_ROLES and kind == OrganisationKind.CERTIFIER
            }
        )

    @cached_property
    def certifiers(self):
        """The certifiers whose data the user sees, as a QuerySet."""
        if self.user.is_superuser:
            return Organisation.objects.certifiers()
        return Organisation.objects.filter(pk__in=self.certifier_ids)

    @cached_property
    def choices(self) -> list[Organisation]:
        """The certifiers the user may work for, by name (one query, then kept)."""
        return list(self.certifiers.order_by("name", "pk"))

    @property
    def has_choice(self) -> bool:
        """Whether the user must choose: staff of several certifiers."""
        return len(self.choices) > 1

    @cached_property
    def current(self) -> Organisation | None:
        """The certifier the user works for: the chosen one (if still theirs), or their only
        one; None when they are staff of several and have chosen none."""
        choices = self.choices
        if len(choices) == 1:
            return choices[0]
        return next((c for c in choices if c.pk == self.current_id), None)

    def require_current(self) -> Organisation:
        if self.current is None:
            raise CertifierNotChosen()
        return self.current

    def choose(self, certifier_id) -> Organisation:
        """The certifier `certifier_id` made current (audited); refused (OrganisationError)
        when the user is not its staff. The caller stores the returned certifier's pk."""
        certifier = next((c for c in self.choices if str(c.pk) == str(certifier_id)), None)
        if certifier is None:
            raise OrganisationError(
                "Vous ne faites pas partie du personnel de ce certificateur.", field="certifier"
            )
        with transaction.atomic():
            record_event(
                "organisation.certifier_chosen",
                certifier,
                actor=self.user,
                from_state=str(self.current_id or ""),
                to_state=str(certifier.pk),
            )
        return certifier
