from django.urls import path

from acquis.www.staff import candidate_views as v
from acquis.www.staff import rgpd_views

urlpatterns = [
    path("candidatures/", v.candidacy_list, name="staff_candidacies"),
    path("candidatures/<int:pk>/", v.candidacy_detail, name="staff_candidacy"),
    path(
        "candidatures/<int:pk>/action/<slug:action>/",
        v.candidacy_action,
        name="staff_candidacy_action",
    ),
    path("candidats/nouveau/", v.candidate_new, name="staff_candidate_new"),
    path("candidats/<int:pk>/", v.candidate_detail, name="staff_candidate"),
    path("candidats/<int:pk>/modifier/", v.candidate_edit, name="staff_candidate_edit"),
    path(
        "candidats/<int:pk>/rgpd/export/",
        rgpd_views.candidate_export,
        name="staff_candidate_rgpd_export",
    ),
    path("candidats/<int:pk>/inscrire/", v.candidacy_new, name="staff_candidacy_new"),
    path(
        "candidats/<int:pk>/espace/ouvrir/",
        v.candidate_open_portal,
        name="staff_candidate_open_portal",
    ),
    path("promotions/", v.cohort_list, name="staff_cohorts"),
    path(
        "promotions/<int:pk>/inviter/",
        v.cohort_invite,
        name="staff_cohort_invite",
    ),
]
