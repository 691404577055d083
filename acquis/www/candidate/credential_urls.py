"""Mounted under /mon-dossier/ by urls.py: the holder's issued documents and badges."""

from django.urls import path

from acquis.www.candidate import credential_views as v

urlpatterns = [
    path("documents-delivres/", v.candidate_credentials, name="credentials"),
    path(
        "documents-delivres/<int:pk>/",
        v.candidate_issued_document,
        name="issued_document",
    ),
    path(
        "documents-delivres/<int:pk>/europass.jsonld",
        v.candidate_document_europass,
        name="document_europass",
    ),
    path("badges/<int:pk>/", v.candidate_badge, name="badge"),
    path("badges/<int:pk>/partager/", v.candidate_badge_share, name="badge_share"),
    path("badges/<int:pk>/image.<str:fmt>", v.candidate_badge_image, name="badge_image"),
]
