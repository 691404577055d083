"""Mounted under /mon-dossier/ by config/urls.py."""

urlpatterns: list = []
