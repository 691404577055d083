"""Staff screens for organisations and users, mounted under /gestion/ by urls.py."""

from django.urls import path

from acquis.www.staff import certifier_views, org_views

urlpatterns = [
    path("partenaires/", org_views.partners, name="partners"),
    path("partenaires/ajouter/", org_views.partner_create, name="partner_create"),
    path("utilisateurs/", org_views.users, name="users"),
    path("certificateur/", certifier_views.certifier_choice, name="certifier_choice"),
]
