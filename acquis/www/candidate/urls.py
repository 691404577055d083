"""The candidate portal, mounted under /mon-dossier/ by config/urls.py."""

from django.urls import path

from acquis.www.candidate import views

urlpatterns = [
    path("", views.dossier, name="candidate_dossier"),
    path("candidatures/<int:pk>/", views.candidacy, name="candidate_candidacy"),
    path("candidatures/<int:pk>/memoire/", views.memoir, name="candidate_memoir"),
    path(
        "candidatures/<int:pk>/stages/<int:placement_pk>/attestation/",
        views.placement_attestation,
        name="candidate_placement_attestation",
    ),
    path(
        "candidatures/<int:pk>/recevabilite/",
        views.admissibility,
        name="candidate_admissibility",
    ),
    path(
        "candidatures/<int:pk>/dossier-de-validation/",
        views.validation_file,
        name="candidate_validation_file",
    ),
]
