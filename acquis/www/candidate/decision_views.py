"""The candidate's decisions (/mon-dossier/decisions/): what the jury decided, once signed.

Only decisions whose PV is signed by every member appear (nothing before signature), each
with its blocks, reason and, for a partial validation, what remains and until when a new
validation may be requested; a correction appears beside the decision it corrects. Below,
the ledger: each block held (acquired for good) and its source decision (blocks revoked by a
correction stay listed, marked).
"""

from django.db.models import Prefetch
from django.shortcuts import render
from django.views.decorators.http import require_GET

from acquis.juries import ledger
from acquis.juries.enums import DeliberationStatus
from acquis.juries.models import Decision
from acquis.www.candidate.perms import (
    candidate_required,
    candidate_role_organisations,
    own_candidacies,
)


def signed_decisions(user):
    signed_corrections = Decision.objects.filter(
        deliberation__status=DeliberationStatus.SIGNED
    ).select_related("deliberation")
    return (
        Decision.objects.filter(
            candidacy__in=own_candidacies(user), deliberation__status=DeliberationStatus.SIGNED
        )
        .select_related("deliberation", "candidacy__version", "corrects__deliberation")
        .prefetch_related(
            "blocks__block",
            Prefetch("corrections", signed_corrections, to_attr="signed_corrections"),
        )
        .order_by("-deliberation__date", "-pk")
    )


def ledger_rows(candidate):
    """The ledger's rows of the candidate, each with its state."""
    rows = ledger.history(candidate)
    for row in rows:
        row.state_label = ledger.state(row)
    return rows


@require_GET
@candidate_required
def candidate_decisions(request):
    if request.candidate is None:
        organisations = candidate_role_organisations(request.user)
        return render(request, "www/candidate/not_opened.html", {"organisations": organisations})
    decisions = list(signed_decisions(request.user))
    for decision in decisions:
        decision.remaining = [row for row in decision.blocks.all() if not row.validated]
    context = {
        "candidate": request.candidate,
        "decisions": decisions,
        "held": ledger_rows(request.candidate),
    }
    return render(request, "www/candidate/decisions.html", context)
