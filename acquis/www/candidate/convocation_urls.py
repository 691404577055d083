"""Mounted under /mon-dossier/ by config/urls.py: the candidate's convocations."""

from django.urls import path

from acquis.www.candidate import convocation_views as v

urlpatterns = [
    path("convocations/", v.convocation_list, name="candidate_convocations"),
    path("convocations/<int:pk>/", v.convocation, name="candidate_convocation"),
    path(
        "convocations/<int:pk>/confirmer/",
        v.confirm_presence,
        name="candidate_convocation_confirm",
    ),
    path("convocations/<int:pk>/agenda.ics", v.convocation_ics, name="candidate_convocation_ics"),
]
