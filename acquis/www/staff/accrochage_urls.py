"""Mounted under /gestion/ by config/urls.py: CDC accrochage (declaration of holders)."""

from django.urls import path

from acquis.www.staff import accrochage_views as v

urlpatterns = [
    path("accrochage/", v.overview, name="staff_accrochage"),
    path("accrochage/exporter/", v.export, name="staff_accrochage_export"),
    path("accrochage/compte-rendu/", v.report, name="staff_accrochage_report"),
    path("accrochage/lots/<int:pk>/", v.batch, name="staff_accrochage_batch"),
    path("accrochage/lots/<int:pk>/fichier/", v.download, name="staff_accrochage_download"),
]
