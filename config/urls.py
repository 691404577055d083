from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Acquis — administration"
admin.site.site_title = "Acquis"

# One URL module per audience (acquis/www/<audience>/urls.py).
urlpatterns = [
    path("", include("acquis.www.public.urls")),
    path("", include("acquis.www.accounts.urls")),
    path("", include("acquis.www.public.verification_urls")),
    path("", include("acquis.www.public.badge_urls")),
    path("", include("acquis.www.public.survey_urls")),
    path("sante/", include("acquis.www.public.health_urls")),
    path("gestion/", include("acquis.www.staff.urls")),
    path("gestion/", include("acquis.www.staff.org_urls")),
    path("gestion/", include("acquis.www.staff.candidate_urls")),
    path("gestion/", include("acquis.www.staff.import_urls")),
    path("gestion/", include("acquis.www.staff.evaluation_urls")),
    path("gestion/", include("acquis.www.staff.consolidation_urls")),
    path("gestion/", include("acquis.www.staff.grid_pdf_urls")),
    path("gestion/", include("acquis.www.staff.deliverable_urls")),
    path("gestion/", include("acquis.www.staff.deliberation_urls")),
    path("gestion/", include("acquis.www.staff.minutes_urls")),
    path("gestion/", include("acquis.www.staff.ledger_urls")),
    path("gestion/", include("acquis.www.staff.credential_urls")),
    path("gestion/", include("acquis.www.staff.revocation_urls")),
    path("gestion/", include("acquis.www.staff.accrochage_urls")),
    path("gestion/", include("acquis.www.staff.statistics_urls")),
    path("gestion/", include("acquis.www.staff.followup_urls")),
    path("gestion/", include("acquis.www.staff.api_urls")),
    path("gestion/", include("acquis.www.staff.email_urls")),
    path("documents/", include("acquis.www.documents.urls")),
    path("mon-dossier/", include("acquis.www.candidate.urls")),
    path("mon-dossier/", include("acquis.www.candidate.convocation_urls")),
    path("mon-dossier/", include("acquis.www.candidate.deliverable_urls")),
    path("mon-dossier/", include("acquis.www.candidate.decision_urls")),
    path("mon-dossier/", include("acquis.www.candidate.credential_urls")),
    path("partenaire/", include("acquis.www.partner.urls")),
    path("jury/", include("acquis.www.jury.urls")),
    path("jury/", include("acquis.www.jury.grid_urls")),
    path("jury/", include("acquis.www.jury.grid_pdf_urls")),
    path("jury/", include("acquis.www.jury.consolidation_urls")),
    path("jury/", include("acquis.www.jury.deliverable_urls")),
    path("jury/", include("acquis.www.jury.deliberation_urls")),
    path("jury/", include("acquis.www.jury.minutes_urls")),
    path("api/v1/", include("acquis.api.urls")),
    path("admin/", admin.site.urls),
]
