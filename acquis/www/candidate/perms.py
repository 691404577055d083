"""Who may see what in the candidate portal (/mon-dossier/): the one place for its rules.

- The audience: a logged-in user holding the candidate role (Role.CANDIDATE) somewhere;
  anyone else gets 403, an anonymous visitor goes to the login page.
- Their dossier: the Candidate linked to the account (Candidate.user), provided the account
  holds the candidate role in that candidate's certifier (removing the role closes the
  portal). Without it, the portal says the dossier is not opened yet.
- Objects: a candidacy (and its placements) of another candidate is 404, never 403, so that
  nobody learns which candidacy numbers exist.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404

from acquis.candidates.models import Candidacy, Candidate, WorkPlacement
from acquis.organisations.enums import Role
from acquis.organisations.models import Membership


def has_candidate_role(user) -> bool:
    if not user.is_authenticated:
        return False
    return user.memberships.filter(role=Role.CANDIDATE).exists()


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
    candidacy = (
        own_candidacies(user)
        .select_related("candidate", "version", "version__certification", "cohort", "partner")
        .filter(pk=pk)
        .first()
    )
    if candidacy is None:
        raise Http404("Candidature introuvable.")
    return candidacy


def own_placement(candidacy: Candidacy, pk) -> WorkPlacement:
    """A work placement of this (already checked) candidacy; 404 otherwise."""
    placement = candidacy.placements.filter(pk=pk).first()
    if placement is None:
        raise Http404("Période de mise en application introuvable.")
    return placement


def candidate_required(view):
    """The candidate audience; sets `request.candidate` (None: dossier not opened yet)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_candidate_role(request.user):
            raise PermissionDenied("Réservé aux candidats.")
        request.candidate = linked_candidate(request.user)
        return view(request, *args, **kwargs)

    return wrapper
