"""The API's reference page: Swagger UI on the OpenAPI document, assets served locally
(django-ninja's copy of Swagger UI, our own start script: no CDN, no inline script)."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET


@require_GET
def reference(request):
    return render(request, "api/reference.html", {"openapi_url": reverse("api-v1:openapi-json")})
