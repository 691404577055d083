"""Mounted under /gestion/ by urls.py: API clients, tokens, webhooks and deliveries."""

from django.urls import path

from acquis.www.staff import api_views as v

urlpatterns = [
    path("api/", v.api_clients, name="api_clients"),
    path("api/nouveau/", v.api_client_create, name="api_client_create"),
    path("api/<int:pk>/", v.api_client, name="api_client"),
    path("api/<int:pk>/jetons/", v.api_token_issue, name="api_token_issue"),
    path("api/<int:pk>/revoquer/", v.api_client_revoke, name="api_client_revoke"),
    path("api/<int:pk>/abonnements/", v.api_subscription_create, name="api_subscription_create"),
    path("api/jetons/<int:pk>/revoquer/", v.api_token_revoke, name="api_token_revoke"),
    path(
        "api/abonnements/<int:pk>/basculer/",
        v.api_subscription_toggle,
        name="api_subscription_toggle",
    ),
    path("api/livraisons/", v.webhook_deliveries, name="webhook_deliveries"),
    path("api/livraisons/<int:pk>/", v.webhook_delivery, name="webhook_delivery"),
    path("api/livraisons/<int:pk>/renvoyer/", v.webhook_replay, name="webhook_replay"),
]
