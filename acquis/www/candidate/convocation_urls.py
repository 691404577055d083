"""Mounted under /mon-dossier/ by urls.py: the candidate's convocations."""

from django.urls import path

from acquis.www.candidate import convocation_views as v

urlpatterns = [
    path("convocations/", v.convocation_list, name="convocations"),
    path("convocations/<int:pk>/", v.convocation, name="convocation"),
    path(
        "convocations/<int:pk>/confirmer/",
        v.confirm_presence,
        name="convocation_confirm",
    ),
    path("convocations/<int:pk>/agenda.ics", v.convocation_ics, name="convocation_ics"),
]
