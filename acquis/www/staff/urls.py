from django.urls import path

from acquis.www.staff import views

urlpatterns = [
    path("", views.dashboard, name="staff_dashboard"),
    path("referentiels/<slug:code>/", views.versions, name="staff_versions"),
]
