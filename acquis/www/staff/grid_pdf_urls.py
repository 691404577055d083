"""Mounted under /gestion/ by urls.py: printable evaluation grids (PDF)."""

from django.urls import path

from acquis.www.staff import grid_pdf_views as v

urlpatterns = [
    path("grilles/<int:pk>/pdf/", v.staff_grid_pdf, name="grid_pdf"),
    path(
        "creneaux/<int:pk>/resultat-consolide/pdf/",
        v.staff_slot_consolidation_pdf,
        name="slot_consolidation_pdf",
    ),
]
