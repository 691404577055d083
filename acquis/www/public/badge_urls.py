"""Open Badges public endpoints (issuer profile, status list, the check of a badge file),
mounted at the root."""

from django.urls import path

from acquis.www.public import badge_check_views, badge_views

urlpatterns = [
    # did:web (when ACQUIS_BADGE_ISSUER_METHOD=did:web): the DID document of the host.
    path(".well-known/did.json", badge_views.did_document, name="did_document"),
    # …or at <path>/did.json when SITE_URL has a path (the app mounted under it).
    path("did.json", badge_views.did_document, name="did_document_under_path"),
    path("badges/verifier/", badge_check_views.check_badge, name="badge_check"),
    path(
        "badges/emetteurs/<int:certifier_id>",
        badge_views.issuer_profile,
        name="badge_issuer_profile",
    ),
    # The design of an achievement (OB 3.0 Achievement.image): "titre" or a block code.
    path(
        "badges/images/<int:version_id>/<slug:part>.svg",
        badge_views.achievement_image,
        name="badge_achievement_image",
    ),
    # One list per certifier and issuer identity; <key> is written into the badges.
    path(
        "badges/statuts/<slug:key>",
        badge_views.status_list_credential,
        name="badge_status_list",
    ),
]
