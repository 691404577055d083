from django.urls import path

from acquis.www.staff import evaluation_calendar
from acquis.www.staff import evaluation_views as v

urlpatterns = [
    path("jures/", v.juror_list, name="staff_jurors"),
    path("sessions/", v.session_list, name="staff_sessions"),
    path("calendrier/", evaluation_calendar.staff_calendar, name="staff_calendar"),
    path("sessions/<int:pk>/", v.session_detail, name="staff_session"),
    path("sessions/<int:pk>/modifier/", v.session_edit, name="staff_session_edit"),
    path(
        "sessions/<int:pk>/action/<slug:action>/",
        v.session_action,
        name="staff_session_action",
    ),
    path(
        "sessions/<int:pk>/candidatures/",
        v.session_candidacies,
        name="staff_session_candidacies",
    ),
    path("creneaux/<int:pk>/", v.slot_detail, name="staff_slot"),
    path("creneaux/<int:pk>/modifier/", v.slot_edit, name="staff_slot_edit"),
    path("creneaux/<int:pk>/convocation/", v.slot_convocation, name="staff_slot_convocation"),
]
