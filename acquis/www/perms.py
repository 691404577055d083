"""Who may see what, one place per audience (object-level checks included).

Public pages need nothing. Certifier staff pages need an administrator or exam manager
role in a certifier; a certification owned by a certifier is visible only to that
certifier's staff (several certifiers may share one installation).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from acquis.organisations.enums import CERTIFIER_STAFF_ROLES, OrganisationKind
from acquis.organisations.models import Organisation, User
from acquis.organisations.scope import StaffScope


def is_certifier_staff(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.memberships.filter(
        role__in=CERTIFIER_STAFF_ROLES, organisation__kind=OrganisationKind.CERTIFIER
    ).exists()


def request_roles(request) -> set[tuple[str, str]]:
    """The (role, organisation kind) pairs of the request's user, read once per request: the
    staff check and the navigation (context processor) of the same page share them."""
    roles = getattr(request, "_acquis_roles", None)
    if roles is None:
        user = request.user
        roles = set()
        if user.is_authenticated:
            roles = set(user.memberships.values_list("role", "organisation__kind"))
        request._acquis_roles = roles
    return roles


def _is_staff_request(request) -> bool:
    if request.user.is_superuser:
        return True
    return any(
        role in CERTIFIER_STAFF_ROLES and kind == OrganisationKind.CERTIFIER
        for role, kind in request_roles(request)
    )


def staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not _is_staff_request(request):
            raise PermissionDenied("Réservé au personnel du certificateur.")
        return view(request, *args, **kwargs)

    return wrapper


def user_scope(user) -> StaffScope:
    """The user's staff scope (`organisations.scope`), built once per request: kept on the
    request's user object, which lives as long as the request. Pages that need the current
    certifier use `staff.access.scope(request)`, which adds the session's choice."""
    scope = getattr(user, "_acquis_scope", None)
    if scope is None:
        scope = StaffScope(user)
        user._acquis_scope = scope
    return scope


def visible_certifications_for_staff(user, queryset):
    """Certifications a staff user may manage: their certifier's, and unowned ones."""
    return queryset.visible_to_staff(user_scope(user))


def get_staff_certification(user, queryset, **lookup):
    certification = visible_certifications_for_staff(user, queryset).filter(**lookup).first()
    if certification is None:
        raise Http404("Certification introuvable.")
    return certification


# --- organisations and users (staff screens /gestion/partenaires/, /gestion/utilisateurs/) --


def staff_certifiers_for(user):
    """Certifiers whose staff the user is (a superuser: every certifier)."""
    return user_scope(user).certifiers


def administered_certifiers(user):
    """Certifiers the user administers (a superuser: every certifier)."""
    return Organisation.objects.administered_by(user)


def staff_organisations(user):
    """The user's certifiers and their partner organisations: what their staff manages."""
    return Organisation.objects.managed_by(user_scope(user))


def visible_users_for_staff(user):
    """Users holding a role in the staff's organisations, each with only those roles."""
    return User.objects.visible_to_staff(user_scope(user))


def admin_required(view):
    """Staff pages that only a certifier's administrator may use (403 for the exam manager)."""

    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not administered_certifiers(request.user).exists():
            raise PermissionDenied("Réservé à l'administrateur du certificateur.")
        return view(request, *args, **kwargs)

    return wrapper
