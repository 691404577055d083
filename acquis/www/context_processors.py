from acquis.organisations.enums import CERTIFIER_STAFF_ROLES, OrganisationKind, Role


def navigation(request):
    """Which workspaces the navigation offers: one query over the user's roles."""
    user = request.user
    if not user.is_authenticated:
        return {
            "nav_is_staff": False,
            "nav_is_partner": False,
            "nav_is_candidate": False,
            "nav_is_juror": False,
            "nav_is_certifier_admin": False,
        }
    roles = set(user.memberships.values_list("role", "organisation__kind"))
    return {
        "nav_is_staff": user.is_superuser
        or any(r in CERTIFIER_STAFF_ROLES and k == OrganisationKind.CERTIFIER for r, k in roles),
        "nav_is_partner": (Role.PARTNER_STAFF, OrganisationKind.PARTNER) in roles,
        "nav_is_candidate": any(r == Role.CANDIDATE for r, _ in roles),
        "nav_is_juror": any(r == Role.JUROR for r, _ in roles),
        "nav_is_certifier_admin": user.is_superuser
        or (Role.ADMIN, OrganisationKind.CERTIFIER) in roles,
    }
