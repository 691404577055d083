"""Who may see what in the candidate portal (/mon-dossier/): the one place for its rules.

- The audience: a logged-in user holding the candidate role (Role.CANDIDATE) somewhere;
  anyone else gets 403, an anonymous visitor goes to the login page.
- Their dossier: the Candidate linked to the account (Candidate.user), provided the account
  holds the candidate role in that candidate's certifier (removing the role closes the
  portal). Without it, the portal says the dossier is not opened yet.
- Objects: a candidacy (and its placements) of another candidate is 404, never 403, so that
  nobody learns which candidacy numbers exist.
"""

from django.db.models import Exists, OuterRef

from acquis.candidates.models import Candidacy, Candidate
from acquis.organisations.enums import Role
from acquis.organisations.models import Membership
from acquis.www.perms import (
    candidacy_or_404,
    is_candidate_request,
    placement_or_404,
    role_required,
)


def candidate_role_organisations(user) -> list:
    """Where the user holds the candidate role (to say whom to contact)."""
    return [
        membership.organisation
        for membership in user.memberships.filter(role=Role.CANDIDATE)
        .select_related("organisation")
        .order_by("organisation__name")
    ]


def _candidate_role_in_certifier(user, certifier_ref):
    return Exists(
        Membership.objects.filter(user=user, role=Role.CANDIDATE, organisation=certifier_ref)
    )


def linked_candidate(user) -> Candidate | None:
    """The user's own Candidate record, or None when their dossier is not opened."""
    return (
        Candidate.objects.filter(user=user)
        .filter(_candidate_role_in_certifier(user, OuterRef("certifier")))
        .select_related("certifier")
        .first()
    )


def own_candidacies(user):
    """The candidacies of the user's own dossier (empty when it is not opened)."""
    return Candidacy.objects.filter(candidate__user=user).filter(
        _candidate_role_in_certifier(user, OuterRef("candidate__certifier"))
    )


def own_candidacy(user, pk) -> Candidacy:
    """One of the user's own candidacies; 404 for anybody else's."""
    return candidacy_or_404(own_candidacies(user), pk)


# A work placement of an (already checked) candidacy; 404 otherwise.
own_placement = placement_or_404


def _attach_candidate(request, *args, **kwargs) -> None:
    request.candidate = linked_candidate(request.user)


# The candidate audience; sets `request.candidate` (None: dossier not opened yet).
candidate_required = role_required(
    is_candidate_request, message="Réservé aux candidats.", attach=_attach_candidate
)
