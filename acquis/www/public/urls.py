from django.urls import include, path

from acquis.www.public import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("referentiels/<slug:code>/", views.referential, name="referential"),
    path(
        "referentiels/<slug:code>/version/<int:number>/",
        views.referential,
        name="referential_version",
    ),
]

# The audience's other URL modules: without an app_name, they join its namespace.
urlpatterns += [
    path("", include("acquis.www.public.verification_urls")),
    path("", include("acquis.www.public.badge_urls")),
    path("", include("acquis.www.public.survey_urls")),
    path("sante/", include("acquis.www.public.health_urls")),
]
