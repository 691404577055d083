"""Who may see what in the jury portal (/jury/): the one place for its rules.

- The audience: a logged-in user holding the juror role (Role.JUROR) in the certifier of
  their juror record (JurorProfile); anyone else gets 403, an anonymous visitor goes to
  the login page. Sets `request.juror`. The predicate (`is_juror_request`, which reads
  `juror_profile`) lives in acquis.www.perms, with the other audiences'.
- Objects: a juror sees only the slots they assess (SlotAssessor) and their own grids;
  anything else is 404, never 403, so that nobody learns which numbers exist.
"""

from django.http import Http404

from acquis.evaluations.models import Grid, JurorProfile, Slot
from acquis.www.perms import is_juror_request, role_required

# The audience: sets `request.juror` (acquis.www.perms.is_juror_request).
juror_required = role_required(
    is_juror_request, message="Réservé aux membres de jury d'évaluation."
)


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
