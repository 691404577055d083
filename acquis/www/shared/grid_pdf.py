"""A printable evaluation grid (PDF on demand, not stored), shared by the staff screens and
the jury portal: each audience's view decides which grid the user may print (404 otherwise).
"""

from django.http import Http404, HttpResponse
from django.utils.text import slugify

from acquis.credentials import grids_pdf
from acquis.errors import AcquisError
from acquis.evaluations.models import Grid


def pdf_response(pdf: bytes, name: str) -> HttpResponse:
    """A printable PDF as an attachment, private (personal data of a candidate)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{slugify(name)}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def grid_filename(grid: Grid) -> str:
    slot = grid.slot
    return f"grille {slot.assessment.code} {slot.candidacy.candidate.full_name} {grid.juror}"


def render_grid_or_404(grid: Grid) -> HttpResponse:
    try:
        pdf = grids_pdf.render_juror_grid(grid)
    except AcquisError as error:
        raise Http404(str(error)) from error
    return pdf_response(pdf, grid_filename(grid))
