"""The candidate portal (/mon-dossier/): one's own dossier, and its uploads through the verbs.

Who sees what is decided in acquis.www.candidate.perms only.
"""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from acquis.candidates import services
from acquis.candidates.enums import Pathway
from acquis.www.candidate.perms import (
    candidate_required,
    candidate_role_organisations,
    own_candidacies,
    own_candidacy,
    own_placement,
)
from acquis.www.shared.dossier import candidacy_dossier, next_step
from acquis.www.shared.uploads import UPLOADS, handle_upload, upload_form

UPLOAD_TEMPLATE = "www/candidate/upload.html"


@require_GET
@candidate_required
def dossier(request):
    if request.candidate is None:
        organisations = candidate_role_organisations(request.user)
        return render(request, "www/candidate/not_opened.html", {"organisations": organisations})
    candidacies = list(
        own_candidacies(request.user)
        .select_related("version", "cohort", "partner")
        .prefetch_related("blocks")
    )
    for candidacy in candidacies:
        candidacy.next_step = next_step(candidacy)
        if candidacy.pathway != Pathway.VAE:
            candidacy.placement_summary = services.placement_summary(candidacy)
    context = {"candidate": request.candidate, "candidacies": candidacies}
    return render(request, "www/candidate/dossier.html", context)


@require_GET
@candidate_required
def candidacy(request, pk):
    candidacy = own_candidacy(request.user, pk)
    context = candidacy_dossier(candidacy)
    context["next_step"] = next_step(candidacy)
    context["forms"] = {
        key: upload_form(
            UPLOADS[key],
            auto_id=f"id_{key}_%s",
            candidacy=candidacy,
            memoir=context.get("memoir"),  # its summary, read by the dossier already
        )
        for key in ("memoir", "admissibility", "validation_file")
        if context["open"][key]
    }
    if context["open"]["attestation"]:
        for placement in context["placements"]:
            placement.form = upload_form(
                UPLOADS["attestation"], auto_id=f"id_attestation_{placement.pk}_%s"
            )
    return render(request, "www/candidate/candidacy.html", context)


def _upload(request, pk, key, placement_pk=None):
    candidacy = own_candidacy(request.user, pk)
    placement = own_placement(candidacy, placement_pk) if placement_pk is not None else None
    done_url = reverse("candidate:candidacy", args=[candidacy.pk])
    return handle_upload(
        request, candidacy, key, template=UPLOAD_TEMPLATE, done_url=done_url, placement=placement
    )


@require_http_methods(["GET", "POST"])
@candidate_required
def memoir(request, pk):
    return _upload(request, pk, "memoir")


@require_http_methods(["GET", "POST"])
@candidate_required
def placement_attestation(request, pk, placement_pk):
    return _upload(request, pk, "attestation", placement_pk)


@require_http_methods(["GET", "POST"])
@candidate_required
def admissibility(request, pk):
    return _upload(request, pk, "admissibility")


@require_http_methods(["GET", "POST"])
@candidate_required
def validation_file(request, pk):
    return _upload(request, pk, "validation_file")
