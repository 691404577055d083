"""Mounted under /gestion/ by urls.py: CDC accrochage (declaration of holders)."""

from django.urls import path

from acquis.www.staff import accrochage_views as v

urlpatterns = [
    path("accrochage/", v.overview, name="accrochage"),
    path("accrochage/exporter/", v.export, name="accrochage_export"),
    path("accrochage/compte-rendu/", v.report, name="accrochage_report"),
    path("accrochage/lots/<int:pk>/", v.batch, name="accrochage_batch"),
    path("accrochage/lots/<int:pk>/fichier/", v.download, name="accrochage_download"),
]
