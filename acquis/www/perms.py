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


def is_certifier_staff(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.memberships.filter(
        role__in=CERTIFIER_STAFF_ROLES, organisation__kind=OrganisationKind.CERTIFIER
    ).exists()


def staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_certifier_staff(request.user):
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
