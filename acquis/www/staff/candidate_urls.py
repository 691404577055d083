from django.urls import path

from acquis.www.staff import candidate_views as v
from acquis.www.staff import rgpd_views

urlpatterns = [
    path("candidatures/", v.candidacy_list, name="candidacies"),
    path("candidatures/<int:pk>/", v.candidacy_detail, name="candidacy"),
    path(
        "candidatures/<int:pk>/action/<slug:action>/",
        v.candidacy_action,
        name="candidacy_action",
    ),
    path("candidats/nouveau/", v.candidate_new, name="candidate_new"),
    path("candidats/<int:pk>/", v.candidate_detail, name="candidate"),
    path("candidats/<int:pk>/modifier/", v.candidate_edit, name="candidate_edit"),
    path(
        "candidats/<int:pk>/rgpd/export/",
        rgpd_views.candidate_export,
        name="candidate_rgpd_export",
    ),
    path("candidats/<int:pk>/inscrire/", v.candidacy_new, name="candidacy_new"),
    path(
        "candidats/<int:pk>/espace/ouvrir/",
        v.candidate_open_portal,
        name="candidate_open_portal",
    ),
    path("promotions/", v.cohort_list, name="cohorts"),
    path(
        "promotions/<int:pk>/inviter/",
        v.cohort_invite,
        name="cohort_invite",
    ),
]
