from django.contrib.auth import views as auth_views
from django.urls import path

from acquis.www.accounts import twofactor_views, views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("connexion/verification/", twofactor_views.verify, name="two_factor_verify"),
    path(
        "compte/double-authentification/activer/",
        twofactor_views.setup,
        name="two_factor_setup",
    ),
    path("compte/securite/", twofactor_views.account_security, name="account_security"),
    path("compte/invitations/", views.my_invitations, name="my_invitations"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("accueil/", views.after_login, name="after_login"),
    path("mot-de-passe/oubli/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oubli/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/reinitialise/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("invitation/<uidb64>/<token>/", views.accept_invitation, name="accept_invitation"),
]
