"""Mounted under /mon-dossier/ by config/urls.py: the holder's issued documents and badges."""

from django.urls import path

from acquis.www.candidate import credential_views as v

urlpatterns = [
    path("documents-delivres/", v.candidate_credentials, name="candidate_credentials"),
    path(
        "documents-delivres/<int:pk>/",
        v.candidate_issued_document,
        name="candidate_issued_document",
    ),
    path("badges/<int:pk>/", v.candidate_badge, name="candidate_badge"),
]
