"""Mounted under /gestion/ by urls.py: insertion surveys and the renewal file."""

from django.urls import path

from acquis.www.staff import followup_views as v

urlpatterns = [
    path("enquetes/", v.campaigns, name="surveys"),
    path("enquetes/<int:pk>/", v.campaign, name="survey"),
    path("enquetes/<int:pk>/<slug:action>/", v.campaign_action, name="survey_action"),
    path("renouvellement/", v.renewal_page, name="renewal"),
    path("satisfaction/", v.satisfaction_page, name="satisfaction"),
    path("satisfaction/session/<int:pk>/", v.satisfaction_session, name="satisfaction_session"),
    path(
        "satisfaction/deliberation/<int:pk>/",
        v.satisfaction_deliberation,
        name="satisfaction_deliberation",
    ),
]
