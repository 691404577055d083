"""Mounted under /mon-dossier/ by urls.py: the candidate's jury decisions."""

from django.urls import path

from acquis.www.candidate import decision_views as v

urlpatterns = [
    path("decisions/", v.candidate_decisions, name="decisions"),
]
