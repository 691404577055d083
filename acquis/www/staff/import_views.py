"""Staff pages: import candidates into a cohort, the import template, candidacy exports."""

import tempfile
from pathlib import Path

from django import forms
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from acquis.candidates.exports import CONTENT_TYPES, stream_csv, write_xlsx
from acquis.candidates.imports import COLUMNS, import_candidates, template_csv
from acquis.security.exports import audit_export
from acquis.www.perms import staff_required
from acquis.www.staff import access

MAX_UPLOAD_MB = 10
ERRORS_SHOWN = 500


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier des candidats",
        help_text=f"CSV (séparateur ; ou ,) ou XLSX, {MAX_UPLOAD_MB} Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    dry_run = forms.BooleanField(
        label="Simulation : tout vérifier sans rien enregistrer", required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in {".csv", ".xlsx"}:
            raise forms.ValidationError("Choisissez un fichier .csv ou .xlsx.")
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(f"Le fichier dépasse {MAX_UPLOAD_MB} Mo.")
        return upload


@staff_required
def cohort_import(request, cohort_id):
    cohort = access.get_or_404(
        access.cohorts(request.user).select_related("certifier", "version"), pk=cohort_id
    )
    posted = request.method == "POST"
    form = ImportForm(request.POST, request.FILES) if posted else ImportForm()
    report = None
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        report = import_candidates(
            upload,
            filename=Path(upload.name).name,
            certifier=cohort.certifier,
            cohort=cohort,
            dry_run=form.cleaned_data["dry_run"],
            actor=request.user,
        )
        if report.ok and report.dry_run:
            form = ImportForm()  # next step: the real import, "simulation" unchecked
    context = {
        "cohort": cohort,
        "form": form,
        "report": report,
        "errors_shown": report.errors[:ERRORS_SHOWN] if report else [],
        "errors_hidden": max(0, len(report.errors) - ERRORS_SHOWN) if report else 0,
        "columns": COLUMNS,
    }
    return render(request, "www/staff/imports/cohort_import.html", context)


@staff_required
def import_template(request):
    response = HttpResponse(template_csv(), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = 'attachment; filename="modele-import-candidats.csv"'
    return response


@staff_required
def candidacies_export(request, fmt):
    candidacies = access.candidacies(request.user)
    name = "candidatures"
    promotion = request.GET.get("promotion")
    if promotion:
        if not promotion.isdigit():
            raise Http404("Promotion introuvable.")
        cohort = access.get_or_404(access.cohorts(request.user), pk=int(promotion))
        candidacies = candidacies.filter(cohort=cohort)
        name += f"-promotion-{cohort.pk}"
    if fmt == "csv":
        # Streamed as the rows are read: constant memory, the first bytes leave at once.
        response = StreamingHttpResponse(stream_csv(candidacies), content_type=CONTENT_TYPES[fmt])
    else:
        # Written row by row to a temporary file (write-only workbook), then sent from it.
        spool = tempfile.TemporaryFile()
        write_xlsx(candidacies, spool)
        spool.seek(0)
        response = FileResponse(spool, content_type=CONTENT_TYPES[fmt])
    audit_export(request, f"candidacies.{fmt}", promotion=promotion or "")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"  # personal data: not kept in shared caches
    return response
