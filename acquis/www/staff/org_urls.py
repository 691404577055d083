"""Staff screens for organisations and users, mounted under /gestion/ by config/urls.py."""

from django.urls import path

from acquis.www.staff import certifier_views, org_views

urlpatterns = [
    path("partenaires/", org_views.partners, name="staff_partners"),
    path("partenaires/ajouter/", org_views.partner_create, name="staff_partner_create"),
    path("utilisateurs/", org_views.users, name="staff_users"),
    path("certificateur/", certifier_views.certifier_choice, name="staff_certifier_choice"),
]
