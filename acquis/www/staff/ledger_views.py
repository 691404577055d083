"""Staff screen of the partial validations whose window for a new validation request ends
soon ("demandes de nouvelle validation possibles jusqu'au…").

After a partial validation, "une nouvelle validation pourra être demandée dans un délai
maximum de 5 ans suivant la délibération du jury": the exam manager sees, about 6 months
ahead, the candidates whose window closes, to remind them. Nothing is lost at the deadline:
the blocks are acquired for good. Read only; rows come from
`juries.ledger.new_validation_deadlines`.
"""

from django.shortcuts import render
from django.utils import timezone

from acquis.juries import ledger
from acquis.www.perms import staff_required
from acquis.www.staff import access


@staff_required
def expiries(request):
    today = timezone.localdate()
    rows = []
    for certifier in access.certifiers(request.user).order_by("pk"):
        rows.extend(ledger.new_validation_deadlines(certifier, on=today))
    rows.sort(key=lambda row: (row.deadline, row.candidacy.candidate.birth_name, row.pk))
    for row in rows:
        row.validated_codes = [b.block.code for b in row.blocks.all() if b.validated]
    return render(
        request,
        "www/staff/juries/expiries.html",
        {
            "rows": [(row, (row.deadline - today).days) for row in rows],
            "within_days": ledger.DEADLINE_NOTICE_DAYS,
            "today": today,
        },
    )
