"""Who may see what in the partner screens (/partenaire/): the one place for their rules.

- The audience: a logged-in user holding the partner staff role (Role.PARTNER_STAFF) in a
  partner organisation; anyone else gets 403, an anonymous visitor goes to the login page.
- Their candidacies: those whose `partner` is one of the user's partner organisations
  (domain.md: partner staff "registers and follows its own candidates").
- Objects: another partner's candidacy (or its placements) is 404, never 403.
- Partner staff never grade nor decide: these screens read the dossier and accept the work
  placement attestation, nothing else.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from acquis.candidates.models import Candidacy, WorkPlacement
from acquis.organisations.enums import OrganisationKind, Role
from acquis.organisations.models import Organisation


def partner_organisations(user):
    """The partner organisations where the user is staff."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind=OrganisationKind.PARTNER,
        memberships__user=user,
        memberships__role=Role.PARTNER_STAFF,
    ).distinct()


def is_partner_staff(user) -> bool:
    return partner_organisations(user).exists()


def partner_candidacies(user):
    """The candidacies the user's partner organisations follow."""
    return Candidacy.objects.filter(partner__in=partner_organisations(user).values("pk"))


def partner_candidacy(user, pk) -> Candidacy:
    """One candidacy of the user's partner organisations; 404 for any other."""
    candidacy = (
        partner_candidacies(user)
        .select_related("candidate", "version", "version__certification", "cohort", "partner")
        .filter(pk=pk)
        .first()
    )
    if candidacy is None:
        raise Http404("Candidature introuvable.")
    return candidacy


def partner_placement(candidacy: Candidacy, pk) -> WorkPlacement:
    """A work placement of this (already checked) candidacy; 404 otherwise."""
    placement = candidacy.placements.filter(pk=pk).first()
    if placement is None:
        raise Http404("Période de mise en application introuvable.")
    return placement


def partner_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_partner_staff(request.user):
            raise PermissionDenied("Réservé au personnel des organismes partenaires.")
        return view(request, *args, **kwargs)

    return wrapper
