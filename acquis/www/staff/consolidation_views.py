"""Staff screens of consolidation: a slot's consolidation, a candidacy's results."""

from django.urls import reverse

from acquis.errors import AcquisError
from acquis.evaluations import consolidation
from acquis.evaluations.models import Slot
from acquis.www.perms import staff_required
from acquis.www.shared.consolidation import consolidation_page
from acquis.www.staff import access


def _slots(user):
    """Slots of the staff user's certifiers (another certifier's: 404)."""
    return Slot.objects.filter(session__certifier__in=access.certifier_ids(user)).select_related(
        "session", "assessment", "candidacy__candidate"
    )


@staff_required
def slot_consolidation(request, pk):
    slot = access.get_or_404(_slots(request.user), pk=pk)
    return consolidation_page(
        request,
        slot,
        audience="staff",
        back_url=reverse("staff:session", args=[slot.session_id]),
        back_label=slot.session.title,
    )


def candidacy_results(candidacy) -> dict:
    """What the dossier's "Résultats des épreuves" shows, in a constant number of queries."""
    latest = consolidation.latest_competency_results(candidacy)
    try:
        blocks = consolidation.proposed_block_results(candidacy, latest)
        problem = ""
    except AcquisError as exc:
        blocks, problem = [], str(exc)
    return {
        "blocks": blocks,
        "final_orals": consolidation.final_oral_results(candidacy),
        "problem": problem,
        "any": bool(latest),
    }
