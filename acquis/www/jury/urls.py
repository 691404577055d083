"""The jury portal, mounted under /jury/ by config/urls.py."""

from django.urls import path

from acquis.www.jury import views

urlpatterns = [
    path("", views.home, name="jury_home"),
    path("epreuves/a-venir/", views.coming, name="jury_coming"),
    path("epreuves/passees/", views.past, name="jury_past"),
    path("sessions/<int:pk>/convocation/", views.convocation, name="jury_convocation"),
    path(
        "sessions/<int:pk>/convocation/agenda.ics",
        views.convocation_ics,
        name="jury_convocation_ics",
    ),
]
