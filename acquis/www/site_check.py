"""Before a document is issued from a page: the request came to the public address.

A signed PDF prints SITE_URL in its QR code and verification link, for years. In production
(ACQUIS_CHECK_SITE_URL) a request reaching the site by another address means SITE_URL or the
proxy settings are wrong: issuing is refused with the reason rather than signed with a wrong
address."""

from urllib.parse import urlsplit

from django.conf import settings

DEFAULT_PORTS = {"http": "80", "https": "443"}


def _origin(scheme: str, netloc: str) -> str:
    netloc, default = netloc.lower(), f":{DEFAULT_PORTS.get(scheme, '')}"
    if netloc.endswith(default):
        netloc = netloc.removesuffix(default)
    return f"{scheme}://{netloc}"


def issuing_refusal(request) -> str:
    """ "" when documents may be issued from this request, else the French reason."""
    if not settings.ACQUIS_CHECK_SITE_URL:
        return ""
    site = urlsplit(settings.SITE_URL)
    expected = _origin(site.scheme, site.netloc)
    actual = _origin(request.scheme, request.get_host())
    if expected == actual:
        return ""
    return (
        f"Délivrance refusée : l'adresse publique configurée (SITE_URL = {settings.SITE_URL}) "
        f"n'est pas celle par laquelle vous utilisez le site ({actual}). Les documents "
        "impriment cette adresse dans leur code QR et leur lien de vérification : faites "
        "corriger SITE_URL (ou, derrière un proxy, SECURE_PROXY_SSL_HEADER et "
        "USE_X_FORWARDED_HOST) puis redémarrer le serveur."
    )
