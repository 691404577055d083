"""Mounted under /mon-dossier/ by urls.py: the candidate's preparatory deliverables."""

from django.urls import path

from acquis.www.candidate import deliverable_views as v

urlpatterns = [
    path("livrables/", v.deliverables_page, name="deliverables"),
    path(
        "livrables/<int:slot_pk>/<int:deliverable_pk>/",
        v.upload,
        name="deliverable_upload",
    ),
]
