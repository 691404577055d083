"""Mounted under /jury/ by urls.py: a slot for its assessor, and the juror's own grid."""

from django.urls import path

from acquis.www.jury import grid_views as v

urlpatterns = [
    path("creneaux/<int:pk>/", v.slot_detail, name="slot"),
    path("creneaux/<int:pk>/ouvrir-ma-grille/", v.grid_open, name="grid_open"),
    path("grilles/<int:pk>/", v.grid_detail, name="grid"),
    path("grilles/<int:pk>/remettre/", v.grid_submit, name="grid_submit"),
    path("grilles/<int:pk>/criteres/<int:mark_pk>/", v.grid_mark, name="grid_mark"),
]
