"""Mounted under /jury/ by urls.py."""

from django.urls import path

from acquis.www.jury import consolidation_views as v

urlpatterns = [
    path(
        "creneaux/<int:pk>/consolidation/",
        v.slot_consolidation,
        name="slot_consolidation",
    ),
]
