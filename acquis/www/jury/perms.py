"""Who may see what in the jury portal (/jury/): the one place for its rules.

- The audience: a logged-in user holding the juror role (Role.JUROR) in the certifier of
  their juror record (JurorProfile); anyone else gets 403, an anonymous visitor goes to
  the login page. Sets `request.juror`.
- Objects: a juror sees only the slots they assess (SlotAssessor) and their own grids;
  anything else is 404, never 403, so that nobody learns which numbers exist.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from acquis.evaluations.models import Grid, JurorProfile, Slot
from acquis.organisations.enums import Role


def juror_profile(user) -> JurorProfile | None:
    """The user's juror record, when they hold the juror role in its certifier."""
    if not user.is_authenticated:
        return None
    profile = JurorProfile.objects.filter(user=user).select_related("user", "certifier").first()
    if profile is None:
        return None
    if not user.memberships.filter(organisation_id=profile.certifier_id, role=Role.JUROR).exists():
        return None
    return profile


def juror_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        request.juror = juror_profile(request.user)
        if request.juror is None:
            raise PermissionDenied("Réservé aux membres de jury d'évaluation.")
        return view(request, *args, **kwargs)

    return wrapper


def assessed_slots(juror: JurorProfile):
    """The slots this juror assesses (all sessions)."""
    return Slot.objects.filter(assessor_links__juror=juror).select_related(
        "session", "assessment", "candidacy__candidate"
    )


def assessed_slot(juror: JurorProfile, pk) -> Slot:
    slot = assessed_slots(juror).filter(pk=pk).first()
    if slot is None:
        raise Http404("Créneau introuvable.")
    return slot


def own_grid(juror: JurorProfile, pk) -> Grid:
    grid = (
        Grid.objects.filter(pk=pk, juror=juror)
        .select_related("slot__session", "slot__assessment", "slot__candidacy__candidate")
        .first()
    )
    if grid is None:
        raise Http404("Grille introuvable.")
    return grid
