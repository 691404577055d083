"""Certifier staff home (what needs attention), the referentials and the versions of a
referential with what changed between them."""

from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from acquis.candidates.services import memoirs_to_check
from acquis.credentials.pending import awaiting_issue
from acquis.exports import accrochage
from acquis.juries import ledger
from acquis.referential.export import diff_documents
from acquis.referential.models import Certification
from acquis.www.perms import (
    get_staff_certification,
    staff_required,
    visible_certifications_for_staff,
)
from acquis.www.staff import access

MEMOIRS_SHOWN = 10


@staff_required
def dashboard(request):
    """« À suivre »: where the staff land after logging in."""
    return render(request, "www/staff/dashboard.html", _attention(request.user))


@staff_required
def referentials(request):
    """The referentials loaded for the staff's certifiers, each with its versions."""
    certifications = (
        visible_certifications_for_staff(request.user, Certification.objects.all())
        .prefetch_related("versions")
        .order_by("title")
    )
    return render(request, "www/staff/referentials.html", {"certifications": certifications})


def _attention(user) -> dict:
    """The figures of "À suivre": national declaration, documents to issue, windows for a
    new validation request closing soon."""
    today = timezone.localdate()
    certifiers = list(access.certifiers(user).order_by("pk"))
    to_issue = awaiting_issue(certifiers).aggregate(
        decisions=Count("pk"), deliberations=Count("deliberation", distinct=True)
    )
    return {
        "accrochage": accrochage.summary(certifiers, today=today),
        "to_issue": to_issue,
        "expiring": sum(
            ledger.new_validation_deadlines(certifier, on=today).count() for certifier in certifiers
        ),
        "expiry_months": round(ledger.DEADLINE_NOTICE_DAYS / 30.5),
        # A new or replaced memoir file waits for the staff's check of its parts.
        "memoirs_to_check": list(memoirs_to_check(certifiers)[: MEMOIRS_SHOWN + 1]),
        "memoirs_shown": MEMOIRS_SHOWN,
        "today": today,
    }


@staff_required
def versions(request, code):
    certification = get_staff_certification(request.user, Certification.objects, code=code)
    versions = list(certification.versions.order_by("-number"))
    context = {"certification": certification, "versions": versions}
    old_n, new_n = request.GET.get("de"), request.GET.get("a")
    if len(versions) >= 2 and not (old_n or new_n):
        old_n, new_n = str(versions[1].number), str(versions[0].number)
    if old_n or new_n:
        context.update(_diff(versions, old_n, new_n))
    return render(request, "www/staff/versions.html", context)


def _diff(versions, old_n, new_n) -> dict:
    by_number = {str(v.number): v for v in versions}
    old, new = by_number.get(old_n or ""), by_number.get(new_n or "")
    if old is None or new is None:
        return {"diff_error": "Choisissez deux versions existantes à comparer."}
    return {
        "old": old,
        "new": new,
        "changes": diff_documents(old.document, new.document),
    }
