"""Who may see what, one place per audience (object-level checks included).

Public pages need nothing. Certifier staff pages need an administrator or exam manager
role in a certifier; a certification owned by a certifier is visible only to that
certifier's staff (several certifiers may share one installation).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from acquis.candidates.models import Candidacy, WorkPlacement
from acquis.evaluations.models import JurorProfile
from acquis.organisations.enums import CERTIFIER_STAFF_ROLES, OrganisationKind, Role
from acquis.organisations.models import Organisation, User
from acquis.organisations.scope import StaffScope


def role_required(predicate, *, message: str, attach=None):
    """The one permission decorator of the web pages: an anonymous visitor goes to the login
    page; a logged-in user for whom `predicate(request)` is false gets 403 with `message`
    (French: the 403 page shows it). `attach(request, *args, **kwargs)`, when given, then
    puts on the request what the audience's views read (it may answer 404 for an object the
    user may not see: the view's own arguments are passed to it)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(request):
                raise PermissionDenied(message)
            if attach is not None:
                attach(request, *args, **kwargs)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def is_certifier_staff(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return _holds(user, CERTIFIER_STAFF_ROLES, OrganisationKind.CERTIFIER)


def _holds(user, roles, kind=None, organisation_id=None) -> bool:
    """One of `roles` (in an organisation of `kind`, or this organisation), read from the
    user's roles (`User.membership_rows`: one query per request for every check of it)."""
    return any(
        role in roles
        and (kind is None or kind == of_kind)
        and (organisation_id is None or organisation_id == organisation)
        for role, of_kind, organisation in user.membership_rows
    )


def request_roles(request) -> set[tuple[str, str]]:
    """The (role, organisation kind) pairs of the request's user, read once per request: the
    staff check and the navigation (context processor) of the same page share them."""
    roles = getattr(request, "_acquis_roles", None)
    if roles is None:
        user = request.user
        roles = set()
        if user.is_authenticated:
            roles = {(role, kind) for role, kind, _ in user.membership_rows}
        request._acquis_roles = roles
    return roles


# --- the audiences: one predicate each (the login page and the portals read them too) ---


def is_staff_request(request) -> bool:
    """An administrator or exam manager of a certifier (or a superuser)."""
    if request.user.is_superuser:
        return True
    return any(
        role in CERTIFIER_STAFF_ROLES and kind == OrganisationKind.CERTIFIER
        for role, kind in request_roles(request)
    )


def administers_a_certifier(request) -> bool:
    return administered_certifiers(request.user).exists()


def has_candidate_role(user) -> bool:
    if not user.is_authenticated:
        return False
    return _holds(user, {Role.CANDIDATE})


def is_candidate_request(request) -> bool:
    return has_candidate_role(request.user)


def is_partner_staff(user) -> bool:
    """Staff (Role.PARTNER_STAFF) of a partner organisation."""
    if not user.is_authenticated:
        return False
    return _holds(user, {Role.PARTNER_STAFF}, OrganisationKind.PARTNER)


def is_partner_request(request) -> bool:
    return is_partner_staff(request.user)


def juror_profile(user) -> JurorProfile | None:
    """The user's juror record, when they hold the juror role in its certifier."""
    if not user.is_authenticated:
        return None
    profile = JurorProfile.objects.filter(user=user).select_related("user", "certifier").first()
    if profile is None:
        return None
    if not _holds(user, {Role.JUROR}, organisation_id=profile.certifier_id):
        return None
    return profile


def is_juror_request(request) -> bool:
    """A juror of the evaluations; the record read to decide stays on the request
    (`request.juror`), so that the jury portal's views do not read it again."""
    request.juror = juror_profile(request.user)
    return request.juror is not None


def holds_juror_role(request) -> bool:
    """The juror role in some organisation: the audience of the deliberation pages (which
    deliberation, `jury/deliberation_perms.py` decides)."""
    return request.user.is_authenticated and _holds(request.user, {Role.JUROR})


staff_required = role_required(is_staff_request, message="Réservé au personnel du certificateur.")


# --- objects of a portal: another person's is 404, never 403 (nobody learns which numbers
# exist); the candidate and partner portals differ only in the candidacies they see ---


def candidacy_or_404(candidacies, pk) -> Candidacy:
    """One candidacy among `candidacies` (those the user may see); 404 for any other."""
    candidacy = (
        candidacies.select_related(
            "candidate", "version", "version__certification", "cohort", "partner"
        )
        .filter(pk=pk)
        .first()
    )
    if candidacy is None:
        raise Http404("Candidature introuvable.")
    return candidacy


def placement_or_404(candidacy: Candidacy, pk) -> WorkPlacement:
    """A work placement of this (already checked) candidacy; 404 otherwise."""
    placement = candidacy.placements.filter(pk=pk).first()
    if placement is None:
        raise Http404("Période de mise en application introuvable.")
    return placement


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


_administrator_only = role_required(
    administers_a_certifier, message="Réservé à l'administrateur du certificateur."
)


def admin_required(view):
    """Staff pages that only a certifier's administrator may use (403 for the exam manager,
    with the staff check's own message for anybody else)."""
    return staff_required(_administrator_only(view))
