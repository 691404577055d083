"""Object-level access of certifier staff: only their certifiers' candidates and cohorts.

The queries are QuerySet methods of the domain models (`for_staff(scope)`), fed with the
request's `StaffScope` (`acquis/organisations/scope.py`); the thin functions here keep the
views' calls short."""

from functools import wraps
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from acquis.candidates.models import Candidacy, Candidate, Cohort
from acquis.organisations.models import Organisation
from acquis.organisations.scope import NOT_CHOSEN, StaffScope
from acquis.referential.columns import BLOCK_HEAVY, VERSION_HEAVY, light_versions
from acquis.referential.models import Block, CertificationVersion
from acquis.www.perms import user_scope

# The session key of the certifier a staff user of several chose to work for.
CURRENT_CERTIFIER_KEY = "acquis_current_certifier"
# Its name, shown in the staff menu without a query.
CURRENT_CERTIFIER_NAME_KEY = "acquis_current_certifier_name"


def scope(request) -> StaffScope:
    """The request's staff scope with the session's choice of certifier, built once per
    request (and shared with the lists that start from the user: `perms.user_scope`)."""
    found = getattr(request, "_acquis_scope", None)
    if found is None:
        found = StaffScope(request.user, current_id=request.session.get(CURRENT_CERTIFIER_KEY))
        request._acquis_scope = found
        request.user._acquis_scope = found
    return found


def certifiers(user):
    """The certifiers whose data this staff user may see (one rule: organisations.scope)."""
    return user_scope(user).certifiers


def certifier_ids(user) -> list[int]:
    """Their ids, what a filter `certifier__in=` takes: cheaper SQL than a subquery."""
    return user_scope(user).certifier_ids


def current_certifier(request) -> Organisation:
    """The certifier a staff user works for: their only one, or the one they chose. Views
    that create something with it are wrapped in `certifier_chosen`, which sends a user of
    several certifiers who has chosen none to the choice page; elsewhere the domain error
    `CertifierNotChosen` tells them to choose."""
    return scope(request).require_current()


def certifier_chosen(view=None, *, on_get: bool = False):
    """A view that creates something owned by the current certifier: without one chosen, a
    POST (and a GET too with `on_get`, for a page that only creates) goes to the choice page
    with a message, and nothing is written."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            creating = request.method == "POST" or on_get
            if creating and scope(request).current is None:
                messages.info(request, NOT_CHOSEN)
                url = reverse("staff:certifier_choice")
                back = _back_after_choice(request)
                return redirect(f"{url}?{urlencode({'suivant': back})}" if back else url)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def _back_after_choice(request) -> str:
    """Where to go once the certifier is chosen: the page itself for a GET; for a POST, the
    page the form was on (a POST-only address cannot be opened again), when it is ours."""
    if request.method == "GET":
        return request.get_full_path()
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc == request.get_host() and referer.path.startswith("/"):
        return urlunsplit(("", "", referer.path, referer.query, ""))
    return ""


def candidates(user):
    return Candidate.objects.for_staff(user_scope(user))


def candidacies(user):
    return Candidacy.objects.for_staff(user_scope(user))


def cohorts(user):
    return Cohort.objects.for_staff(user_scope(user))


def published_versions(user):
    return light_versions(
        CertificationVersion.objects.published()
        .for_staff(user_scope(user))
        .select_related("certification")
        .prefetch_related(Prefetch("blocks", queryset=Block.objects.defer(*BLOCK_HEAVY)))
    )


def version_choices(user, *, rules: bool = False):
    """The published versions a form offers by their names (sessions, deliberations, juror
    trainings): without their blocks or their large columns; `rules` read too where the page
    uses them (the jurors' sectors)."""
    heavy = [name for name in VERSION_HEAVY if not (rules and name == "rules")]
    return (
        CertificationVersion.objects.published()
        .for_staff(user_scope(user))
        .select_related("certification")
        .defer(*heavy)
    )


def partners(user):
    return Organisation.objects.partners_of(user_scope(user))


def get_or_404(queryset, **lookup):
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404("Introuvable.")
    return obj
