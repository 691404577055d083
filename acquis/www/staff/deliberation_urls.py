"""Mounted under /gestion/ by urls.py: deliberations of the certification jury."""

from django.urls import path

from acquis.www.staff import deliberation_views as v

urlpatterns = [
    path("deliberations/", v.deliberation_list, name="deliberations"),
    path("deliberations/<int:pk>/", v.deliberation_detail, name="deliberation"),
    path(
        "deliberations/<int:pk>/candidatures/",
        v.deliberation_candidacies,
        name="deliberation_candidacies",
    ),
    path(
        "deliberations/<int:pk>/action/<slug:action>/",
        v.deliberation_action,
        name="deliberation_action",
    ),
    path(
        "deliberations/<int:pk>/decision/<int:candidacy_pk>/",
        v.deliberation_decide,
        name="deliberation_decide",
    ),
]
