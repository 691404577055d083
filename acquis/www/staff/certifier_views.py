"""« Certificateur » (/gestion/certificateur/): the certifier a staff user works for.

A user who is staff of several certifiers (a superuser: of every certifier) chooses here the
one that owns what they create (candidates, promotions, sessions, jurors, accrochage); the
choice is kept in the session and audited (`StaffScope.choose`).
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from acquis.errors import AcquisError
from acquis.www.perms import staff_required
from acquis.www.staff import access

NEXT = "suivant"
SESSION_NAME_KEY = access.CURRENT_CERTIFIER_NAME_KEY


def _next(request, data) -> str:
    target = data.get(NEXT, "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


@staff_required
def certifier_choice(request):
    scope = access.scope(request)
    error = ""
    if request.method == "POST":
        chosen = request.POST.get("certifier", "")
        if chosen:
            try:
                certifier = scope.choose(chosen)
            except AcquisError as exc:
                # Another certifier's identifier: as if it did not exist.
                raise Http404("Certificateur introuvable.") from exc
            request.session[access.CURRENT_CERTIFIER_KEY] = certifier.pk
            # Shown in the staff menu without a query on every page.
            request.session[SESSION_NAME_KEY] = certifier.name
            messages.success(request, f"Vous travaillez pour le certificateur « {certifier} ».")
            return redirect(_next(request, request.POST) or "staff:dashboard")
        error = "Certificateur : choisissez-en un dans la liste."
    context = {
        "choices": scope.choices,
        "current": scope.current,
        "next": _next(request, request.GET) or _next(request, request.POST),
        "error": error,
    }
    return render(request, "www/staff/org/certifier.html", context, status=400 if error else 200)
