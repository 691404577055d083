"""Who may see what in the partner screens (/partenaire/): the one place for their rules.

- The audience: a logged-in user holding the partner staff role (Role.PARTNER_STAFF) in a
  partner organisation; anyone else gets 403, an anonymous visitor goes to the login page.
- Their candidacies: those whose `partner` is one of the user's partner organisations
  (domain.md: partner staff "registers and follows its own candidates").
- Objects: another partner's candidacy (or its placements) is 404, never 403.
- Partner staff never grade nor decide: these screens read the dossier and accept the work
  placement attestation, nothing else.
"""

from acquis.candidates.models import Candidacy
from acquis.organisations.enums import OrganisationKind, Role
from acquis.organisations.models import Organisation
from acquis.www.perms import candidacy_or_404, is_partner_request, placement_or_404, role_required


def partner_organisations(user):
    """The partner organisations where the user is staff."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind=OrganisationKind.PARTNER,
        memberships__user=user,
        memberships__role=Role.PARTNER_STAFF,
    ).distinct()


def partner_candidacies(user):
    """The candidacies the user's partner organisations follow."""
    return Candidacy.objects.filter(partner__in=partner_organisations(user).values("pk"))


def partner_candidacy(user, pk) -> Candidacy:
    """One candidacy of the user's partner organisations; 404 for any other."""
    return candidacy_or_404(partner_candidacies(user), pk)


# A work placement of an (already checked) candidacy; 404 otherwise.
partner_placement = placement_or_404

# The audience (acquis.www.perms.is_partner_staff: the partner staff role in a partner
# organisation, as `partner_organisations` reads it).
partner_required = role_required(
    is_partner_request, message="Réservé au personnel des organismes partenaires."
)
