"""Mounted under /gestion/ by config/urls.py: insertion surveys and the renewal file."""

from django.urls import path

from acquis.www.staff import followup_views as v

urlpatterns = [
    path("enquetes/", v.campaigns, name="staff_surveys"),
    path("enquetes/<int:pk>/", v.campaign, name="staff_survey"),
    path("enquetes/<int:pk>/<slug:action>/", v.campaign_action, name="staff_survey_action"),
    path("renouvellement/", v.renewal_page, name="staff_renewal"),
    path("satisfaction/", v.satisfaction_page, name="staff_satisfaction"),
    path(
        "satisfaction/session/<int:pk>/", v.satisfaction_session, name="staff_satisfaction_session"
    ),
    path(
        "satisfaction/deliberation/<int:pk>/",
        v.satisfaction_deliberation,
        name="staff_satisfaction_deliberation",
    ),
]
