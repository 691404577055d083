"""Mounted under /jury/ by config/urls.py: a slot for its assessor, and the juror's own grid."""

from django.urls import path

from acquis.www.jury import grid_views as v

urlpatterns = [
    path("creneaux/<int:pk>/", v.slot_detail, name="jury_slot"),
    path("creneaux/<int:pk>/ouvrir-ma-grille/", v.grid_open, name="jury_grid_open"),
    path("grilles/<int:pk>/", v.grid_detail, name="jury_grid"),
    path("grilles/<int:pk>/remettre/", v.grid_submit, name="jury_grid_submit"),
    path("grilles/<int:pk>/criteres/<int:mark_pk>/", v.grid_mark, name="jury_grid_mark"),
]
