from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from acquis.www import public_views, staff_views

admin.site.site_header = "Acquis — administration"
admin.site.site_title = "Acquis"

urlpatterns = [
    path("", public_views.home, name="home"),
    path("referentiels/<slug:code>/", public_views.referential, name="referential"),
    path(
        "referentiels/<slug:code>/version/<int:number>/",
        public_views.referential,
        name="referential_version",
    ),
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("gestion/", staff_views.dashboard, name="staff_dashboard"),
    path("gestion/referentiels/<slug:code>/", staff_views.versions, name="staff_versions"),
    path("admin/", admin.site.urls),
]
