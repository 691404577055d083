"""The jury portal, mounted under /jury/ by config/urls.py."""

from django.urls import path

from acquis.www.jury import views

urlpatterns = [
    path("", views.home, name="jury_home"),
]
