"""Mounted under /gestion/ by config/urls.py: the PV of a deliberation, corrections."""

from django.urls import path

from acquis.www.staff import minutes_views as v

urlpatterns = [
    path("deliberations/<int:pk>/pv/", v.staff_minutes, name="staff_minutes"),
    path(
        "decisions/<int:pk>/correction/",
        v.staff_decision_correction,
        name="staff_decision_correction",
    ),
]
