"""Mounted under /gestion/ by urls.py: the e-mail log."""

from django.urls import path

from acquis.www.staff import email_views as v

urlpatterns = [
    path("courriels/", v.email_list, name="emails"),
    path("courriels/<int:pk>/renvoyer/", v.email_resend, name="email_resend"),
]
