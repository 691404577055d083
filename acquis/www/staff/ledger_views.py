"""Staff screen of the partial-validation ledger: blocks whose validity ends soon.

A partial validation keeps its blocks for 5 years after the deliberation; the exam manager
sees, about 6 months ahead, the candidates who are about to lose a block, to invite them to
a new validation in time (issue 5, §4). Read only; rows come from `juries.ledger.expiring`.
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
        rows.extend(ledger.expiring(certifier, on=today))
    rows.sort(key=lambda row: (row.expires_on, row.candidate.birth_name, row.block_code))
    return render(
        request,
        "www/staff/juries/expiries.html",
        {
            "rows": [(row, (row.expires_on - today).days) for row in rows],
            "within_days": ledger.EXPIRY_NOTICE_DAYS,
            "today": today,
        },
    )
