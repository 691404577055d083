"""Staff pages: import candidates into a cohort, the import template, candidacy exports."""

import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from acquis.candidates import column_mapping, export_jobs
from acquis.candidates.exceptions import CandidateError
from acquis.candidates.exports import CONTENT_TYPES, stream_csv, write_xlsx
from acquis.candidates.imports import (
    COLUMNS,
    ImportFileError,
    fold,
    import_candidates,
    read_sheet,
    template_csv,
)
from acquis.security.exports import audit_export
from acquis.www.errors import add_to_form
from acquis.www.perms import staff_required
from acquis.www.staff import access, export_job_views

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
    report, mapping = None, None
    saved = column_mapping.saved_mapping(cohort.certifier)
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        headers = _headers(upload)
        if headers is not None and column_mapping.check_headers(headers).needs_mapping:
            if not column_mapping.applies(saved, headers):
                # The headers are kept (never the file: it holds personal data) for the
                # mapping form; the staff then send the file again, mapped.
                request.session[MAPPING_SESSION_KEY] = {"cohort": cohort.pk, "headers": headers}
                messages.info(
                    request,
                    "Les colonnes du fichier ne portent pas les noms attendus : indiquez une "
                    "fois quelle colonne du fichier correspond à chaque colonne attendue.",
                )
                return redirect("staff:import_mapping", cohort_id=cohort.pk)
            mapping = saved
        report = import_candidates(
            upload,
            filename=Path(upload.name).name,
            certifier=cohort.certifier,
            cohort=cohort,
            dry_run=form.cleaned_data["dry_run"],
            actor=request.user,
            mapping=mapping,
        )
        if report.ok and report.dry_run:
            form = ImportForm()  # next step: the real import, "simulation" unchecked
    context = {
        "cohort": cohort,
        "form": form,
        "report": report,
        "mapping": sorted(mapping.items(), key=_column_order) if mapping else [],
        "saved_mapping": bool(saved),
        "errors_shown": report.errors[:ERRORS_SHOWN] if report else [],
        "errors_hidden": max(0, len(report.errors) - ERRORS_SHOWN) if report else 0,
        "columns": COLUMNS,
    }
    return render(request, "www/staff/imports/cohort_import.html", context)


MAPPING_SESSION_KEY = "import_mapping_headers"
NO_COLUMN = ("", "— aucune —")


def _headers(upload) -> list[str] | None:
    """The headers of the uploaded file; None when it cannot be read (the import says why)."""
    upload.seek(0)
    try:
        sheet = read_sheet(upload.read(), Path(upload.name).name)
    except ImportFileError:
        return None
    finally:
        upload.seek(0)
    return column_mapping.headers_of(sheet)


def _column_order(item) -> int:
    names = [c.name for c in COLUMNS]
    return names.index(item[0]) if item[0] in names else len(names)


class MappingForm(forms.Form):
    """One select per expected column: the header of the file that holds it."""

    def __init__(self, *args, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [NO_COLUMN, *((h, h) for h in headers)]
        for column in COLUMNS:
            self.fields[column.name] = forms.ChoiceField(
                label=column.name,
                choices=choices,
                required=False,
                help_text=column.format,
            )


def _initial(saved: dict, headers: list[str]) -> dict:
    """The saved choice when its header is in the file, else a header named as expected."""
    by_fold = {fold(h): h for h in headers}
    initial = {}
    for column in COLUMNS:
        header = saved.get(column.name, "")
        initial[column.name] = by_fold.get(fold(header)) or by_fold.get(fold(column.name), "")
    return initial


@staff_required
def import_mapping(request, cohort_id):
    """« Correspondance des colonnes »: the certifier's mapping, on the headers of the file
    just sent (or, without one, those the saved mapping names): shown, editable."""
    cohort = access.get_or_404(
        access.cohorts(request.user).select_related("certifier"), pk=cohort_id
    )
    saved = column_mapping.saved_mapping(cohort.certifier)
    pending = request.session.get(MAPPING_SESSION_KEY) or {}
    headers = pending.get("headers") if pending.get("cohort") == cohort.pk else None
    headers = headers or list(dict.fromkeys(saved.values()))
    if not headers:
        messages.info(request, "Déposez d'abord un fichier : ses colonnes seront proposées.")
        return redirect("staff:cohort_import", cohort_id=cohort.pk)
    form = MappingForm(request.POST or None, headers=headers, initial=_initial(saved, headers))
    if request.method == "POST" and form.is_valid():
        try:
            column_mapping.save_mapping(
                cohort.certifier, form.cleaned_data, headers=headers, actor=request.user
            )
        except CandidateError as exc:
            add_to_form(form, exc)
        else:
            request.session.pop(MAPPING_SESSION_KEY, None)
            messages.success(
                request,
                "Correspondance des colonnes enregistrée : elle s'appliquera automatiquement "
                "aux prochains fichiers. Déposez à nouveau le fichier pour l'importer.",
            )
            return redirect("staff:cohort_import", cohort_id=cohort.pk)
    context = {"cohort": cohort, "form": form, "headers": headers, "saved": bool(saved)}
    return render(request, "www/staff/imports/mapping.html", context)


@staff_required
def import_template(request):
    response = HttpResponse(template_csv(), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = 'attachment; filename="modele-import-candidats.csv"'
    return response


@require_http_methods(["GET", "POST"])
@staff_required
def candidacies_export(request, fmt):
    candidacies = access.candidacies(request.user)
    name = "candidatures"
    promotion = request.GET.get("promotion")
    cohort = None
    if promotion:
        if not promotion.isdigit():
            raise Http404("Promotion introuvable.")
        cohort = access.get_or_404(access.cohorts(request.user), pk=int(promotion))
        candidacies = candidacies.filter(cohort=cohort)
        name += f"-promotion-{cohort.pk}"
    if fmt == "xlsx":
        rows = candidacies.count()
        if export_jobs.needs_background(rows):
            # Too big to write while the page waits: the worker writes it (export_job_views).
            return export_job_views.offer_or_request(request, cohort=cohort, rows=rows)
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
