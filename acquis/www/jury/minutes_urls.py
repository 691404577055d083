"""Mounted under /jury/ by config/urls.py."""

urlpatterns: list = []
