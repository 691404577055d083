from django.urls import include, path

from acquis.www.staff import views

app_name = "staff"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("referentiel/charger/", views.load_referential, name="referential_load"),
    path("referentiels/", views.referentials, name="referentials"),
    path("referentiels/<slug:code>/", views.versions, name="versions"),
]

# The audience's other URL modules: without an app_name, they join its namespace.
urlpatterns += [
    path("", include("acquis.www.staff.org_urls")),
    path("", include("acquis.www.staff.candidate_urls")),
    path("", include("acquis.www.staff.import_urls")),
    path("", include("acquis.www.staff.evaluation_urls")),
    path("", include("acquis.www.staff.consolidation_urls")),
    path("", include("acquis.www.staff.grid_pdf_urls")),
    path("", include("acquis.www.staff.deliverable_urls")),
    path("", include("acquis.www.staff.deliberation_urls")),
    path("", include("acquis.www.staff.minutes_urls")),
    path("", include("acquis.www.staff.ledger_urls")),
    path("", include("acquis.www.staff.credential_urls")),
    path("", include("acquis.www.staff.revocation_urls")),
    path("", include("acquis.www.staff.accrochage_urls")),
    path("", include("acquis.www.staff.statistics_urls")),
    path("", include("acquis.www.staff.followup_urls")),
    path("", include("acquis.www.staff.api_urls")),
    path("", include("acquis.www.staff.email_urls")),
]
