from django.urls import reverse

from acquis.candidates import column_mapping, services
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
    return {"import_cohort": cohort}


ENTRIES = {
    "staff_cohort_import": (
        lambda ctx: reverse("staff_cohort_import", args=[ctx["import_cohort"].pk]),
        STAFF_OWN,
    ),
    "staff_import_mapping": (
        lambda ctx: reverse("staff_import_mapping", args=[ctx["import_cohort"].pk]),
        STAFF_OWN,
    ),
    "staff_import_template": (lambda ctx: reverse("staff_import_template"), STAFF),
    # Without a filter, each certifier's staff gets its own (possibly empty) list.
    "staff_candidacies_export_csv": (
        lambda ctx: reverse("staff_candidacies_export_csv"),
        STAFF,
    ),
    # Filtered on OPS Conseil's cohort: hidden from another certifier's staff.
    "staff_candidacies_export_xlsx": (
        lambda ctx: (
            reverse("staff_candidacies_export_xlsx") + f"?promotion={ctx['import_cohort'].pk}"
        ),
        STAFF_OWN,
    ),
}
