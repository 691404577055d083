from django.urls import path

from acquis.www.staff import views

urlpatterns = [
    path("", views.dashboard, name="staff_dashboard"),
    path("referentiel/charger/", views.load_referential, name="staff_referential_load"),
    path("referentiels/", views.referentials, name="staff_referentials"),
    path("referentiels/<slug:code>/", views.versions, name="staff_versions"),
]
