"""Mounted under /gestion/ by urls.py: a session's preparatory deliverables."""

from django.urls import path

from acquis.www.staff import deliverable_views as v

urlpatterns = [
    path(
        "sessions/<int:pk>/livrables/",
        v.session_deliverables,
        name="session_deliverables",
    ),
]
