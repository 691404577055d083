"""Partner screens, mounted under /partenaire/ by config/urls.py."""

from django.urls import path

from acquis.www.partner import views

app_name = "partner"

urlpatterns = [
    path("", views.candidacies, name="candidacies"),
    path("candidatures/<int:pk>/", views.candidacy, name="candidacy"),
    path("resultats/", views.results, name="results"),
    path("resultats/<int:org>/export.csv", views.results_export, name="results_export"),
    path(
        "candidatures/<int:pk>/stages/<int:placement_pk>/attestation/",
        views.placement_attestation,
        name="placement_attestation",
    ),
]
