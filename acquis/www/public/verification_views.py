"""The public verification page of an issued document (the target of its QR code)."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from acquis.credentials import verification
from acquis.security.network import client_ip as _client_ip


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
