"""The public verification page of an issued document (the target of its QR code)."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from acquis.credentials import verification


def _client_ip(request) -> str:
    # REMOTE_ADDR only: a forwarded header can be forged by the client (a reverse proxy
    # that sets REMOTE_ADDR is the place to trust X-Forwarded-For).
    return request.META.get("REMOTE_ADDR", "")


@require_GET
@never_cache
def verify_document(request, code):
    ip = _client_ip(request)
    if verification.blocked(ip):
        return render(request, "www/public/verification.html", {"blocked": True}, status=429)
    document = verification.find(code)
    if document is None:
        verification.record_failure(ip)
        return render(request, "www/public/verification.html", {"unknown": True}, status=404)
    context = {"result": verification.verify(document)}
    return render(request, "www/public/verification.html", context)
