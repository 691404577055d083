"""Partner screens, mounted under /partenaire/ by config/urls.py."""

from django.urls import path

from acquis.www.partner import views

urlpatterns = [
    path("", views.candidacies, name="partner_candidacies"),
    path("candidatures/<int:pk>/", views.candidacy, name="partner_candidacy"),
    path("resultats/", views.results, name="partner_results"),
    path("resultats/<int:org>/export.csv", views.results_export, name="partner_results_export"),
    path(
        "candidatures/<int:pk>/stages/<int:placement_pk>/attestation/",
        views.placement_attestation,
        name="partner_placement_attestation",
    ),
]
