"""Mounted under /jury/ by urls.py: the juror's own grid, printable (PDF)."""

from django.urls import path

from acquis.www.jury import grid_pdf_views as v

urlpatterns = [
    path("grilles/<int:pk>/pdf/", v.jury_grid_pdf, name="grid_pdf"),
]
