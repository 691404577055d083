"""Open Badges public endpoints (issuer profile, status list, the check of a badge file),
mounted at the root."""

from django.urls import path

from acquis.www.public import badge_check_views, badge_views

urlpatterns = [
    path("badges/verifier/", badge_check_views.check_badge, name="badge_check"),
    path(
        "badges/emetteurs/<int:certifier_id>",
        badge_views.issuer_profile,
        name="badge_issuer_profile",
    ),
    path(
        "badges/statuts/<int:certifier_id>",
        badge_views.status_list_credential,
        name="badge_status_list",
    ),
]
