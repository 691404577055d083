"""The client's IP address, seen through a reverse proxy only when the installation says so.

`REMOTE_ADDR` by default: a forwarded header sent straight to the application is written by
the client and proves nothing. Behind a reverse proxy that sets a header (nginx
`X-Forwarded-For`, `X-Real-IP`), set `ACQUIS_TRUSTED_PROXY_HEADER` to that header's META name
(`HTTP_X_FORWARDED_FOR`) and `ACQUIS_TRUSTED_PROXY_COUNT` to the number of proxies in front
(each appends one address): the client is the address that many entries from the right.
"""

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    header = settings.ACQUIS_TRUSTED_PROXY_HEADER
    if not header:
        return remote
    values = [v.strip() for v in request.META.get(header, "").split(",") if v.strip()]
    count = max(1, settings.ACQUIS_TRUSTED_PROXY_COUNT)
    if len(values) < count:
        return remote  # the proxy did not set it: never trust a shorter, client-written list
    return values[-count]
