"""Who may see what, one place per audience (object-level checks included).

Public pages need nothing. Certifier staff pages need an administrator or exam manager
role in a certifier; a certification owned by a certifier is visible only to that
certifier's staff (several certifiers may share one installation).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404

from acquis.organisations.enums import CERTIFIER_STAFF_ROLES, OrganisationKind, Role
from acquis.organisations.models import Membership, Organisation, User


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


def visible_certifications_for_staff(user, queryset):
    """Certifications a staff user may manage: their certifier's, and unowned ones."""
    if user.is_superuser:
        return queryset
    return queryset.filter(owner__isnull=True) | queryset.filter(owner__in=user.staff_certifiers())


def get_staff_certification(user, queryset, **lookup):
    certification = visible_certifications_for_staff(user, queryset).filter(**lookup).first()
    if certification is None:
        raise Http404("Certification introuvable.")
    return certification


# --- organisations and users (staff screens /gestion/partenaires/, /gestion/utilisateurs/) --


def staff_certifiers_for(user):
    """Certifiers whose staff the user is (a superuser: every certifier)."""
    if user.is_superuser:
        return Organisation.objects.filter(kind=OrganisationKind.CERTIFIER)
    return user.staff_certifiers()


def administered_certifiers(user):
    """Certifiers the user administers (a superuser: every certifier)."""
    certifiers = staff_certifiers_for(user)
    if user.is_superuser:
        return certifiers
    return certifiers.filter(memberships__user=user, memberships__role=Role.ADMIN).distinct()


def staff_organisations(user):
    """The user's certifiers and their partner organisations: what their staff manages."""
    certifiers = staff_certifiers_for(user).values("pk")
    return Organisation.objects.filter(pk__in=certifiers) | Organisation.objects.filter(
        certifier__in=certifiers
    )


def visible_users_for_staff(user):
    """Users holding a role in the staff's organisations, each with only those roles
    (`visible_memberships`): a juror's roles at another certifier stay hidden."""
    organisations = staff_organisations(user).values("pk")
    memberships = (
        Membership.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .order_by("organisation__kind", "organisation__name", "role")
    )
    return (
        User.objects.filter(memberships__organisation__in=organisations)
        .distinct()
        .prefetch_related(Prefetch("memberships", memberships, to_attr="visible_memberships"))
        .order_by("last_name", "first_name", "email")
    )


def admin_required(view):
    """Staff pages that only a certifier's administrator may use (403 for the exam manager)."""

    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not administered_certifiers(request.user).exists():
            raise PermissionDenied("Réservé à l'administrateur du certificateur.")
        return view(request, *args, **kwargs)

    return wrapper
