"""Mounted under /gestion/ by urls.py: the PV of a deliberation, corrections."""

from django.urls import path

from acquis.www.staff import minutes_views as v

urlpatterns = [
    path("deliberations/<int:pk>/pv/", v.staff_minutes, name="minutes"),
    path(
        "deliberations/<int:pk>/pv/notifier/",
        v.staff_minutes_notify,
        name="minutes_notify",
    ),
    path(
        "decisions/<int:pk>/correction/",
        v.staff_decision_correction,
        name="decision_correction",
    ),
]
