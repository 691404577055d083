"""Partner screens (/partenaire/): the candidacies a partner organisation follows, read-only,
and the work placement attestation of its candidates (through the domain verb).

Who sees what is decided in acquis.www.partner.perms only.
"""

from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from acquis.candidates.names import name_order
from acquis.followup import partner_figures
from acquis.security.exports import audit_export
from acquis.www.partner.perms import (
    partner_candidacies,
    partner_candidacy,
    partner_organisations,
    partner_placement,
    partner_required,
)
from acquis.www.shared.dossier import candidacy_dossier
from acquis.www.shared.uploads import UPLOADS, handle_upload, upload_form

PAGE_SIZE = 50


@require_GET
@partner_required
def candidacies(request):
    queryset = (
        partner_candidacies(request.user)
        .with_list_data()
        .annotate(placement_days=Sum("placements__periods__days_worked"))
        .order_by(*name_order("candidate__"), "-registered_on", "-pk")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    organisations = list(partner_organisations(request.user).order_by("name"))
    context = {
        "page": page,
        "organisations": organisations,
        "several_partners": len(organisations) > 1,
    }
    return render(request, "www/partner/candidacies.html", context)


@require_GET
@partner_required
def candidacy(request, pk):
    candidacy = partner_candidacy(request.user, pk)
    context = candidacy_dossier(candidacy)
    if context["open"]["attestation"]:
        for placement in context["placements"]:
            placement.form = upload_form(
                UPLOADS["attestation"], auto_id=f"id_attestation_{placement.pk}_%s"
            )
    return render(request, "www/partner/candidacy.html", context)


@require_http_methods(["GET", "POST"])
@partner_required
def placement_attestation(request, pk, placement_pk):
    candidacy = partner_candidacy(request.user, pk)
    placement = partner_placement(candidacy, placement_pk)
    return handle_upload(
        request,
        candidacy,
        "attestation",
        template="www/partner/upload.html",
        done_url=reverse("partner:candidacy", args=[candidacy.pk]),
        placement=placement,
    )


@require_GET
@partner_required
def results(request):
    """Pass rates of the partner's own candidates, by block and year (what it publishes)."""
    sections = [
        (organisation, partner_figures.figures(organisation))
        for organisation in partner_organisations(request.user).order_by("name")
    ]
    context = {"sections": sections, "threshold": partner_figures.min_answers()}
    return render(request, "www/partner/results.html", context)


@require_GET
@partner_required
def results_export(request, org):
    organisation = partner_organisations(request.user).filter(pk=org).first()
    if organisation is None:
        raise Http404("Organisme introuvable.")
    text = partner_figures.to_csv(organisation, partner_figures.figures(organisation))
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    audit_export(request, "partner_results.csv")
    response["Content-Disposition"] = f'attachment; filename="resultats-{organisation.pk}.csv"'
    response["Cache-Control"] = "no-store"
    return response
