"""Mounted under /gestion/ by urls.py: the certifier's statistics."""

from django.urls import path

from acquis.www.staff import statistics_views as v

urlpatterns = [
    path("statistiques/", v.statistics_page, name="statistics"),
    path("statistiques/export", v.statistics_export, name="statistics_export"),
]
