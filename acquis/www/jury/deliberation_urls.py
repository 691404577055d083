"""Mounted under /jury/ by urls.py: the deliberations a jury member sits on."""

from django.urls import path

from acquis.www.jury import deliberation_views as v

urlpatterns = [
    path("deliberations/", v.deliberation_list, name="deliberations"),
    path("deliberations/<int:pk>/", v.deliberation_detail, name="deliberation"),
    path(
        "deliberations/<int:pk>/decision/<int:candidacy_pk>/",
        v.deliberation_decide,
        name="deliberation_decide",
    ),
]
