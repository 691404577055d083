"""Mounted under /jury/ by config/urls.py."""

from django.urls import path

from acquis.www.jury import consolidation_views as v

urlpatterns = [
    path(
        "creneaux/<int:pk>/consolidation/",
        v.slot_consolidation,
        name="jury_slot_consolidation",
    ),
]
