from django.urls import path

from acquis.www.staff import export_job_views as jobs
from acquis.www.staff import import_views as v

urlpatterns = [
    path("promotions/<int:cohort_id>/import/", v.cohort_import, name="staff_cohort_import"),
    path(
        "promotions/<int:cohort_id>/import/colonnes/",
        v.import_mapping,
        name="staff_import_mapping",
    ),
    path("modele-import-candidats.csv", v.import_template, name="staff_import_template"),
    path(
        "candidatures/export.csv",
        v.candidacies_export,
        {"fmt": "csv"},
        name="staff_candidacies_export_csv",
    ),
    path(
        "candidatures/export.xlsx",
        v.candidacies_export,
        {"fmt": "xlsx"},
        name="staff_candidacies_export_xlsx",
    ),
    path("candidatures/exports/<int:pk>/", jobs.export_job, name="staff_export_job"),
    path(
        "candidatures/exports/<int:pk>/fichier.xlsx",
        jobs.export_job_file,
        name="staff_export_job_file",
    ),
]
