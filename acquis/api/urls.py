"""Mounted at /api/v1/ by config/urls.py: the API and its reference page."""

from django.urls import path

from acquis.api import views
from acquis.api.main import api

urlpatterns = [
    path("", views.reference, name="api_reference"),
    path("", api.urls),
]
