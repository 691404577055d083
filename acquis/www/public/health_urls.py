"""Health probes, mounted at /sante/ by urls.py (exempt from the HTTPS redirect)."""

from django.urls import path

from acquis.www.public import health_views as v

urlpatterns = [
    path("", v.liveness, name="health_live"),
    path("pret/", v.readiness, name="health_ready"),
]
