"""Mounted under /gestion/ by urls.py: one issued document or badge, revocation."""

from django.urls import path

from acquis.www.staff import revocation_views as v

urlpatterns = [
    path(
        "documents-delivres/<int:pk>/fiche/",
        v.staff_document_detail,
        name="document_detail",
    ),
    path(
        "documents-delivres/<int:pk>/revoquer/",
        v.staff_document_revoke,
        name="document_revoke",
    ),
    path(
        "documents-delivres/<int:pk>/remplacer/",
        v.staff_document_reissue,
        name="document_reissue",
    ),
    path(
        "documents-delivres/<int:pk>/duplicata/",
        v.staff_document_duplicate,
        name="document_duplicate",
    ),
    path(
        "documents-delivres/<int:pk>/europass.jsonld",
        v.staff_document_europass,
        name="document_europass",
    ),
    path("badges/<int:pk>/", v.staff_badge_detail, name="badge_detail"),
    path("badges/<int:pk>/telecharger/", v.staff_badge_download, name="badge_download"),
    path("badges/<int:pk>/revoquer/", v.staff_badge_revoke, name="badge_revoke"),
]
