"""Health probes for the load balancer, the container and the operator: JSON, no secret.

/sante/ (liveness): the process answers, nothing else is touched.
/sante/pret/ (readiness): database, migrations, storage write and read, keys, static files,
age of the workers' heartbeat; 503 when this process cannot serve correctly.
"""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from acquis.ops import health

FRENCH = {"ensure_ascii": False}


@never_cache
@require_GET
def liveness(request):
    return JsonResponse({"statut": "vivant"}, json_dumps_params=FRENCH)


@never_cache
@require_GET
def readiness(request):
    status, checks = health.readiness()
    body = {"statut": status, "verifications": {n: c.as_json() for n, c in checks.items()}}
    code = 503 if status == "indisponible" else 200
    return JsonResponse(body, status=code, json_dumps_params=FRENCH)
