"""Requests per minute and per API client, counted in Django's cache (fixed windows).

The cache is per process by default (LocMemCache): with several server processes, set
CACHE_URL (settings: Redis, or the database) so that they count together. `incr` is atomic
in both memory and Redis; with the database cache two processes may rarely count one
request once, which a rate limit can afford.
"""

import time

from django.conf import settings
from django.core.cache import cache

WINDOW = 60


def limit_for(client) -> int:
    return client.rate_limit or settings.ACQUIS_API_RATE_LIMIT


def hit(client, *, now: float | None = None) -> tuple[bool, int, int]:
    """Count one request; (allowed, remaining, seconds until the window ends)."""
    now = time.time() if now is None else now
    window = int(now // WINDOW)
    key = f"acquis:api-rate:{client.pk}:{window}"
    cache.add(key, 0, timeout=WINDOW * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW * 2)
        count = 1
    limit = limit_for(client)
    reset = max(1, int((window + 1) * WINDOW - now))
    return count <= limit, max(0, limit - count), reset
