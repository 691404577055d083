"""The candidate portal, mounted under /mon-dossier/ by config/urls.py."""

from django.urls import include, path

from acquis.www.candidate import views

app_name = "candidate"

urlpatterns = [
    path("", views.dossier, name="dossier"),
    path("candidatures/<int:pk>/", views.candidacy, name="candidacy"),
    path("candidatures/<int:pk>/memoire/", views.memoir, name="memoir"),
    path(
        "candidatures/<int:pk>/stages/<int:placement_pk>/attestation/",
        views.placement_attestation,
        name="placement_attestation",
    ),
    path(
        "candidatures/<int:pk>/recevabilite/",
        views.admissibility,
        name="admissibility",
    ),
    path(
        "candidatures/<int:pk>/dossier-de-validation/",
        views.validation_file,
        name="validation_file",
    ),
]

# The audience's other URL modules: without an app_name, they join its namespace.
urlpatterns += [
    path("", include("acquis.www.candidate.convocation_urls")),
    path("", include("acquis.www.candidate.deliverable_urls")),
    path("", include("acquis.www.candidate.decision_urls")),
    path("", include("acquis.www.candidate.credential_urls")),
]
