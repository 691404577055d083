"""Certifier staff pages for referentials: versions and what changed between them."""

from django.shortcuts import render

from acquis.referential.export import diff_documents
from acquis.referential.models import Certification
from acquis.www.perms import (
    get_staff_certification,
    staff_required,
    visible_certifications_for_staff,
)


@staff_required
def dashboard(request):
    certifications = (
        visible_certifications_for_staff(request.user, Certification.objects.all())
        .prefetch_related("versions")
        .order_by("title")
    )
    return render(request, "www/staff/dashboard.html", {"certifications": certifications})


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
