"""Bench-only URLconf and middleware for bench/bench_grid_autosave.py (never installed).

- `bare_update`: the floor the autosave is compared with: a Django view that does one
  indexed UPDATE of a GridMark row (by primary key), through the same middleware stack
  (CSRF check included), without reading the session or the user.
- `ServerTiming`: outermost middleware; adds `Server-Timing: app;dur=<ms>, cpu;dur=<ms>` to
  every response (wall time from the outermost middleware in to the response out, and the
  CPU time of the serving thread), so that the benchmark measures the server's time, not
  the client's queueing or network.
"""

import time

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from acquis.evaluations.models import GridMark
from config.urls import urlpatterns as project_urlpatterns


@require_POST
def bare_update(request, pk):
    GridMark.objects.filter(pk=pk).update(comment=request.POST.get("commentaire", ""))
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    *project_urlpatterns,
    path("bench/bare/<int:pk>/", bare_update, name="bench_bare_update"),
]


class ServerTiming:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start, cpu = time.perf_counter(), time.thread_time()
        response = self.get_response(request)
        wall_ms = (time.perf_counter() - start) * 1000
        cpu_ms = (time.thread_time() - cpu) * 1000
        response["Server-Timing"] = f"app;dur={wall_ms:.3f}, cpu;dur={cpu_ms:.3f}"
        return response
