from django.urls import path

from acquis.www.staff import evaluation_calendar
from acquis.www.staff import evaluation_views as v

urlpatterns = [
    path("jures/", v.juror_list, name="jurors"),
    path("sessions/", v.session_list, name="sessions"),
    path("calendrier/", evaluation_calendar.staff_calendar, name="calendar"),
    path("sessions/<int:pk>/", v.session_detail, name="session"),
    path("sessions/<int:pk>/modifier/", v.session_edit, name="session_edit"),
    path(
        "sessions/<int:pk>/action/<slug:action>/",
        v.session_action,
        name="session_action",
    ),
    path(
        "sessions/<int:pk>/candidatures/",
        v.session_candidacies,
        name="session_candidacies",
    ),
    path("creneaux/<int:pk>/", v.slot_detail, name="slot"),
    path("creneaux/<int:pk>/modifier/", v.slot_edit, name="slot_edit"),
    path("creneaux/<int:pk>/convocation/", v.slot_convocation, name="slot_convocation"),
]
