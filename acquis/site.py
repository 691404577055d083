"""The installation's public address, SITE_URL: the one source of every absolute link we
write (QR codes and verification links on signed documents, badges and their status lists,
e-mails, calendar files). Never the request's Host header: a document outlives the request,
and a forged Host must not reach a signed PDF."""

from django.conf import settings


def public_url(path: str = "/") -> str:
    """SITE_URL joined to a path of this site ("/verifier/abc/")."""
    return settings.SITE_URL.rstrip("/") + path
