"""Staff screens of issued documents (/gestion/documents/...).

- the list of documents issued by the staff's certifiers, and the signed deliberations
  whose documents can be issued;
- a deliberation's documents, with the action "issue the documents of this deliberation":
  a background batch (`batches.request_batch`, run by the worker), its progress polled
  with htmx (works without JavaScript: a reload shows the state), "resume" after a failure;
- the download of a stored, signed PDF; previews of each template with sample data.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from acquis import search
from acquis.candidates.names import DISPLAY_NAME_FIELDS, name_keys
from acquis.credentials import batches, documents, grids_pdf, letters, minutes_pdf, typst_render
from acquis.credentials.enums import DocumentKind
from acquis.credentials.models import IssuedCredential, IssuedDocument
from acquis.errors import AcquisError
from acquis.juries.enums import DecisionKind, DeliberationStatus
from acquis.juries.models import Deliberation
from acquis.www import sorting
from acquis.www.pagination import paginate
from acquis.www.perms import staff_required
from acquis.www.shared.downloads import download, private
from acquis.www.site_check import issuing_refusal
from acquis.www.staff import access
from acquis.www.staff import credential_forms as cf


@dataclass(frozen=True)
class Preview:
    """One template filled with fictitious data (staff page "Aperçus des modèles")."""

    label: str
    render: Callable[[], bytes]


def _issued_preview(kind: str, data: Callable[[], dict]) -> Callable[[], bytes]:
    return lambda: typst_render.render(kind, data())


PREVIEWS = {
    "certificat": Preview(
        DocumentKind.CERTIFICATE.label,
        _issued_preview(
            DocumentKind.CERTIFICATE, lambda: documents.sample_data(DocumentKind.CERTIFICATE)
        ),
    ),
    "attestation-de-blocs": Preview(
        DocumentKind.BLOCK_ATTESTATION.label,
        _issued_preview(
            DocumentKind.BLOCK_ATTESTATION,
            lambda: documents.sample_data(DocumentKind.BLOCK_ATTESTATION),
        ),
    ),
    "proces-verbal": Preview(
        DocumentKind.MINUTES.label, _issued_preview(DocumentKind.MINUTES, minutes_pdf.sample_data)
    ),
    **{
        f"lettre-{slug}": Preview(
            f"{DocumentKind.DECISION_LETTER.label} ({label})",
            _issued_preview(
                DocumentKind.DECISION_LETTER, lambda kind=kind: letters.sample_data(kind)
            ),
        )
        for slug, kind, label in (
            ("validation-totale", DecisionKind.TOTAL, "validation totale"),
            ("validation-partielle", DecisionKind.PARTIAL, "validation partielle"),
            ("refus", DecisionKind.REFUSED, "refus de validation"),
        )
    },
    "grille-evaluateur": Preview(
        "Grille d'évaluation d'un évaluateur",
        lambda: grids_pdf.render(grids_pdf.sample_juror_data()),
    ),
    "resultat-consolide": Preview(
        "Résultat consolidé d'une épreuve (grille consolidée)",
        lambda: grids_pdf.render(grids_pdf.sample_consolidated_data()),
    ),
}


def _documents(user):
    return IssuedDocument.objects.filter(certifier__in=access.certifier_ids(user)).select_related(
        "candidate", "decision__deliberation"
    )


def _signed_deliberations(user):
    # The columns the list shows; no related row.
    return (
        Deliberation.objects.filter(
            certifier__in=access.certifier_ids(user), status=DeliberationStatus.SIGNED
        )
        .only("title", "date")
        .annotate(issued=Count("decisions__issued_documents"))
    )


DOCUMENT_COLUMNS = [
    sorting.Column("numero", "Numéro", ("number",)),
    sorting.Column("document", "Document", ("kind",)),
    sorting.Column("titulaire", "Titulaire", name_keys("candidate__")),
    sorting.Column("date", "Délivré le", ("issued_at",)),
    sorting.Column("etat", "État", ("revoked_at",)),
    sorting.Column("", "Fichier"),
]


def _document_number(word: str):
    """A word may be (part of) the document number instead of the holder's name."""
    return Q(number__icontains=word)


def filter_documents(queryset, data: dict):
    if data.get("q"):
        queryset = search.search(
            queryset, data["q"], field="candidate__search_text", extra=_document_number
        )
    if data.get("document"):
        queryset = queryset.filter(kind=data["document"])
    if data.get("etat") == cf.VALID:
        queryset = queryset.filter(revoked_at__isnull=True)
    elif data.get("etat") == cf.REVOKED:
        queryset = queryset.filter(revoked_at__isnull=False)
    if data.get("du"):
        queryset = queryset.filter(issued_at__date__gte=data["du"])
    if data.get("au"):
        queryset = queryset.filter(issued_at__date__lte=data["au"])
    return queryset


@require_GET
@staff_required
def staff_credentials(request):
    filters = cf.DocumentFilterForm(request.GET or None)
    sorter = sorting.sorter(request, DOCUMENT_COLUMNS, page_params=("page",))
    # The columns the list shows (the candidate's name, no other related row).
    issued = (
        IssuedDocument.objects.filter(certifier__in=access.certifier_ids(request.user))
        .select_related("candidate")
        .only(
            "number",
            "kind",
            "duplicate_of",
            "issued_at",
            "revoked_at",
            "candidate",
            *(f"candidate__{name}" for name in DISPLAY_NAME_FIELDS),
        )
    )
    if filters.is_valid():
        issued = filter_documents(issued, filters.cleaned_data)
    context = {
        "filters": filters,
        "sorter": sorter,
        "issued": paginate(request, sorter.order_by(issued, ("-issued_at", "-pk"))),
        "deliberations": paginate(
            request,
            _signed_deliberations(request.user).order_by("-date", "-pk"),
            per_page=20,
            param="page_deliberations",
        ),
        "previews": PREVIEWS,
    }
    return render(request, "www/staff/credentials/list.html", context)


def _deliberation(request, pk) -> Deliberation:
    return access.get_or_404(
        Deliberation.objects.filter(certifier__in=access.certifier_ids(request.user))
        .select_related("version")
        .defer("version__document"),
        pk=pk,
    )


def _batch_context(deliberation) -> dict:
    batch = batches.latest_for(deliberation)
    stale = batch is not None and batches.is_stale(batch)
    return {
        "deliberation": deliberation,
        "signed": deliberation.status == DeliberationStatus.SIGNED,
        "batch": batch,
        "stale": stale,
        "polling": batch is not None and batch.active and not stale,
        "can_resume": batch is not None and batches.can_resume(batch),
    }


def _documents_context(deliberation) -> dict:
    decisions = (
        deliberation.decisions.select_related("candidacy__candidate")
        .prefetch_related(
            Prefetch(
                "issued_documents", queryset=IssuedDocument.objects.order_by("issued_at", "pk")
            ),
            Prefetch(
                "credentials",
                queryset=IssuedCredential.objects.select_related("block").order_by(
                    "block__position", "pk"
                ),
            ),
        )
        .order_by("pk")
    )
    minutes_documents = IssuedDocument.objects.filter(minutes__deliberation=deliberation).order_by(
        "issued_at", "pk"
    )
    return {"decisions": decisions, "minutes_documents": minutes_documents}


def _batch_action(request, deliberation):
    """POST: "delivrer" queues a batch, "reprendre" resumes the latest (interrupted) one."""
    action = request.POST.get("action", "delivrer")
    if action not in ("delivrer", "reprendre"):
        return HttpResponseBadRequest("Action inconnue.")
    refusal = issuing_refusal(request)
    if refusal:
        messages.error(request, refusal)
        return redirect("staff:deliberation_documents", pk=deliberation.pk)
    try:
        if action == "reprendre":
            latest = batches.latest_for(deliberation)
            if latest is None:
                raise batches.BatchError("Délivrance : aucun lot à reprendre.")
            batch = batches.resume(latest, actor=request.user)
            messages.success(
                request,
                f"Lot n° {batch.pk} repris : il reprend après la "
                f"dernière décision traitée ({batch.processed} / {batch.total}).",
            )
        else:
            batch = batches.request_batch(deliberation, actor=request.user)
            messages.success(
                request,
                f"Lot n° {batch.pk} mis en file d'attente : {batch.total} décision(s) à traiter.",
            )
    except AcquisError as error:
        messages.error(request, str(error))
    return redirect("staff:deliberation_documents", pk=deliberation.pk)


@require_http_methods(["GET", "POST"])
@staff_required
def staff_deliberation_documents(request, pk):
    deliberation = _deliberation(request, pk)
    if request.method == "POST":
        return _batch_action(request, deliberation)
    context = _batch_context(deliberation) | _documents_context(deliberation)
    return render(request, "www/staff/credentials/deliberation.html", context)


# htmx stops polling when the answer's status is 286 (htmx.org, "hx-trigger": polling).
STOP_POLLING = 286


@require_GET
@staff_required
def staff_issuing_batch_progress(request, pk):
    """The progress of the deliberation's latest batch, as out-of-band htmx swaps; 286 (stop
    polling) with the final state and the documents table once it no longer runs."""
    context = _batch_context(_deliberation(request, pk))
    if not context["polling"]:
        context |= _documents_context(context["deliberation"]) | {"finished": True}
    response = render(request, "www/staff/credentials/_batch_progress.html", context)
    if not context["polling"] and request.headers.get("HX-Request") == "true":
        response.status_code = STOP_POLLING
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@staff_required
def staff_issued_document(request, pk):
    return download(access.get_or_404(_documents(request.user), pk=pk))


@require_GET
@staff_required
def staff_document_preview(request, kind):
    if kind not in PREVIEWS:
        raise Http404("Aperçu inconnu.")
    response = HttpResponse(PREVIEWS[kind].render(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="apercu-{kind}.pdf"'
    return private(response)
