"""The certifier's statistics page and its data files (XLSX, ZIP of CSV), same GET filters.

Thin views: the figures come from `acquis.exports.statistics`, for the staff user's
certifiers only (`access.certifiers`); the filter choices are theirs too.
"""

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from acquis.exports import statistics
from acquis.referential.models import CertificationVersion
from acquis.security.exports import audit_export
from acquis.www.perms import staff_required
from acquis.www.staff import access
from acquis.www.staff import statistics_charts as charts
from acquis.www.staff import statistics_files as files
from acquis.www.staff import statistics_tables as tables
from acquis.www.staff.statistics_forms import StatisticsFilterForm


def _versions(certifiers):
    """Versions of the certifiers' certifications, or on which their candidacies are."""
    return (
        CertificationVersion.objects.filter(
            Q(certification__owner__in=certifiers)
            | Q(candidacies__candidate__certifier__in=certifiers)
        )
        .distinct()
        .select_related("certification")
        .only("pk", "number", "title", "certification__id", "certification__title")
        .order_by("certification__title", "number")
    )


def _form(request) -> StatisticsFilterForm:
    return StatisticsFilterForm(
        request.GET,
        versions=_versions(access.certifiers(request.user)),
        cohorts=access.cohorts(request.user).order_by("name"),
        partners=access.partners(request.user).order_by("name"),
    )


@staff_required
def statistics_page(request):
    form = _form(request)
    context = {"form": form, "query": request.GET.urlencode()}
    if form.is_valid():
        report = statistics.report(access.certifiers(request.user), form.filters())
        context |= {
            "report": report,
            "tables": tables.tables(report),
            "charts": charts.charts(report),
            "described": report.filters.describe(),
        }
    return render(request, "www/staff/statistics.html", context)


@staff_required
def statistics_export(request):
    """The page's tables as data files, same filters: `?format=xlsx` (one sheet per table,
    the default) or `?format=zip` (one CSV per table): statistics_files.py."""
    fmt = request.GET.get("format", "xlsx")
    if fmt not in files.CONTENT_TYPES:
        return HttpResponse(
            f"Export impossible : format « {fmt} » inconnu (xlsx ou zip).\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    form = _form(request)
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        text = "Export impossible : filtres invalides.\n" + "\n".join(errors) + "\n"
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    certifiers = access.certifiers(request.user)
    report = statistics.report(certifiers, form.filters())
    today = timezone.localdate()
    heading = [
        ("Certificateur", ", ".join(c.name for c in certifiers.order_by("name"))),
        ("Établies le", today.isoformat()),
        ("Filtres", " ; ".join(report.filters.describe()) or "aucun"),
    ]
    build = files.to_xlsx if fmt == "xlsx" else files.to_zip
    response = HttpResponse(build(report, heading=heading), content_type=files.CONTENT_TYPES[fmt])
    audit_export(request, f"statistics.{fmt}")
    name = f"statistiques-{today.isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
