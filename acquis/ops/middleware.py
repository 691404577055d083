"""The request id: taken from the proxy (X-Request-ID) when well formed, made otherwise; set
for the logs of this request, returned in the response, and one log line per request."""

import logging
import re
import time
import uuid

from acquis.ops.logs import REQUEST_ID

logger = logging.getLogger("acquis.requests")
WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{8,128}")


def request_id_for(request) -> str:
    given = request.headers.get("X-Request-ID", "")
    return given if WELL_FORMED.fullmatch(given) else uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request)
        token = REQUEST_ID.set(request.request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            if logger.isEnabledFor(logging.INFO):
                duration = round((time.perf_counter() - started) * 1000, 1)
                logger.info(
                    "%s %s %s %.1f ms",
                    request.method,
                    request.path,
                    response.status_code,
                    duration,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": duration,
                    },
                )
            return response
        finally:
            REQUEST_ID.reset(token)
