from django.urls import reverse

from acquis.candidates import column_mapping, export_jobs, services
from tests.www.permissions.roles import STAFF, STAFF_OWN


def extend_context(ctx):
    version = ctx["version"]
    cohort = services.create_cohort(
        certifier=version.certification.owner, version=version, name="Promotion de la matrice"
    )
    # A saved column mapping: its page shows it (without one, it sends to the import page).
    headers = ["Nom", "Prénom", "Sexe", "Naissance", "Pays", "Voie"]
    chosen = dict(
        zip(
            ["nom_naissance", "prenom1", "sexe", "date_naissance", "pays_naissance", "voie"],
            headers,
            strict=True,
        )
    )
    column_mapping.save_mapping(cohort.certifier, chosen, headers=headers, actor=None)
    # A background export of that cohort, written (its file is there to download).
    job = export_jobs.request_export(
        certifier=cohort.certifier,
        certifier_ids=[cohort.certifier_id],
        promotion=cohort.pk,
        actor=None,
        enqueue=False,
    )
    export_jobs.run(job.pk)
    return {"import_cohort": cohort, "export_job": job}


ENTRIES = {
    "staff:cohort_import": (
        lambda ctx: reverse("staff:cohort_import", args=[ctx["import_cohort"].pk]),
        STAFF_OWN,
    ),
    "staff:import_mapping": (
        lambda ctx: reverse("staff:import_mapping", args=[ctx["import_cohort"].pk]),
        STAFF_OWN,
    ),
    "staff:import_template": (lambda ctx: reverse("staff:import_template"), STAFF),
    # Without a filter, each certifier's staff gets its own (possibly empty) list.
    "staff:candidacies_export_csv": (
        lambda ctx: reverse("staff:candidacies_export_csv"),
        STAFF,
    ),
    # Filtered on OPS Conseil's cohort: hidden from another certifier's staff.
    "staff:candidacies_export_xlsx": (
        lambda ctx: (
            reverse("staff:candidacies_export_xlsx") + f"?promotion={ctx['import_cohort'].pk}"
        ),
        STAFF_OWN,
    ),
    # A background export of OPS Conseil's rows: its page (GET; POST relaunches) and its
    # file, hidden from another certifier's staff.
    "staff:export_job": (
        lambda ctx: reverse("staff:export_job", args=[ctx["export_job"].pk]),
        STAFF_OWN,
    ),
    "staff:export_job_file": (
        lambda ctx: reverse("staff:export_job_file", args=[ctx["export_job"].pk]),
        STAFF_OWN,
    ),
}
