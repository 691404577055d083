"""Mounted under /gestion/ by config/urls.py."""

urlpatterns: list = []
