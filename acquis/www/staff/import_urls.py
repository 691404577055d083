from django.urls import path

from acquis.www.staff import export_job_views as jobs
from acquis.www.staff import import_views as v

urlpatterns = [
    path("promotions/<int:cohort_id>/import/", v.cohort_import, name="cohort_import"),
    path(
        "promotions/<int:cohort_id>/import/colonnes/",
        v.import_mapping,
        name="import_mapping",
    ),
    path("modele-import-candidats.csv", v.import_template, name="import_template"),
    path(
        "candidatures/export.csv",
        v.candidacies_export,
        {"fmt": "csv"},
        name="candidacies_export_csv",
    ),
    path(
        "candidatures/export.xlsx",
        v.candidacies_export,
        {"fmt": "xlsx"},
        name="candidacies_export_xlsx",
    ),
    path("candidatures/exports/<int:pk>/", jobs.export_job, name="export_job"),
    path(
        "candidatures/exports/<int:pk>/fichier.xlsx",
        jobs.export_job_file,
        name="export_job_file",
    ),
]
