"""Mounted under /jury/ by urls.py: the PV of a deliberation, for its jury members."""

from django.urls import path

from acquis.www.jury import minutes_views as v

urlpatterns = [
    path("deliberations/<int:pk>/pv/", v.jury_minutes, name="minutes"),
    path("deliberations/<int:pk>/pv/pdf/", v.jury_minutes_pdf, name="minutes_pdf"),
]
