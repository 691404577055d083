"""Mounted under /gestion/ by urls.py: the partial-validation ledger."""

from django.urls import path

from acquis.www.staff import ledger_views as v

urlpatterns = [
    path("validations-partielles/", v.expiries, name="expiries"),
]
