"""Mounted under /jury/ by urls.py: a slot's preparatory deliverables for its assessors."""

from django.urls import path

from acquis.www.jury import deliverable_views as v

urlpatterns = [
    path(
        "creneaux/<int:pk>/livrables/",
        v.slot_deliverables,
        name="slot_deliverables",
    ),
]
