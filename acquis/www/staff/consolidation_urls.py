"""Mounted under /gestion/ by config/urls.py."""

from django.urls import path

from acquis.www.staff import consolidation_views as v

urlpatterns = [
    path(
        "creneaux/<int:pk>/consolidation/",
        v.slot_consolidation,
        name="staff_slot_consolidation",
    ),
]
