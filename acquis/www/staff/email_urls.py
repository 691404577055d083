"""Mounted under /gestion/ by config/urls.py: the e-mail log."""

from django.urls import path

from acquis.www.staff import email_views as v

urlpatterns = [
    path("courriels/", v.email_list, name="staff_emails"),
    path("courriels/<int:pk>/renvoyer/", v.email_resend, name="staff_email_resend"),
]
