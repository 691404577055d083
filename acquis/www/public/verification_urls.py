"""Public verification and status lists, mounted at the root by urls.py."""

from django.urls import path

from acquis.www.public import verification_views as v

urlpatterns = [
    path("verifier/", v.verify_lookup, name="verify_lookup"),
    path("verifier/<slug:code>/", v.verify_document, name="verify_document"),
]
