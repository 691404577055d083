from django.urls import path

from acquis.www.public import views

urlpatterns = [
    path("", views.home, name="home"),
    path("referentiels/<slug:code>/", views.referential, name="referential"),
    path(
        "referentiels/<slug:code>/version/<int:number>/",
        views.referential,
        name="referential_version",
    ),
]
