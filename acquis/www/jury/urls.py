"""The jury portal, mounted under /jury/ by config/urls.py."""

from django.urls import include, path

from acquis.www.jury import views

app_name = "jury"

urlpatterns = [
    path("", views.home, name="home"),
    path("epreuves/a-venir/", views.coming, name="coming"),
    path("epreuves/passees/", views.past, name="past"),
    path("sessions/<int:pk>/convocation/", views.convocation, name="convocation"),
    path(
        "sessions/<int:pk>/convocation/agenda.ics",
        views.convocation_ics,
        name="convocation_ics",
    ),
]

# The audience's other URL modules: without an app_name, they join its namespace.
urlpatterns += [
    path("", include("acquis.www.jury.grid_urls")),
    path("", include("acquis.www.jury.grid_pdf_urls")),
    path("", include("acquis.www.jury.consolidation_urls")),
    path("", include("acquis.www.jury.deliverable_urls")),
    path("", include("acquis.www.jury.deliberation_urls")),
    path("", include("acquis.www.jury.minutes_urls")),
]
