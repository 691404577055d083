"""Mounted under /gestion/ by urls.py: issued documents (certificates, attestations)."""

from django.urls import path

from acquis.www.staff import credential_views as v

urlpatterns = [
    path("documents-delivres/", v.staff_credentials, name="credentials"),
    path(
        "documents-delivres/<int:pk>/telecharger/",
        v.staff_issued_document,
        name="issued_document",
    ),
    path(
        "documents-delivres/apercu/<slug:kind>/",
        v.staff_document_preview,
        name="document_preview",
    ),
    path(
        "deliberations/<int:pk>/documents/",
        v.staff_deliberation_documents,
        name="deliberation_documents",
    ),
    path(
        "deliberations/<int:pk>/documents/lot/",
        v.staff_issuing_batch_progress,
        name="issuing_batch_progress",
    ),
]
