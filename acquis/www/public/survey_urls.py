"""The insertion survey by personal link (no account), mounted at the root."""

from django.urls import path

from acquis.www.public import survey_views as v

urlpatterns = [
    path("enquete/<str:token>/", v.answer, name="survey_answer"),
    path("enquete/<str:token>/refus/", v.opt_out, name="survey_opt_out"),
    path("avis/<str:token>/", v.satisfaction, name="satisfaction_answer"),
]
