from functools import partial

from acquis.organisations.enums import CERTIFIER_STAFF_ROLES, OrganisationKind, Role
from acquis.www.perms import request_roles
from acquis.www.staff.access import CURRENT_CERTIFIER_NAME_KEY
from acquis.www.staff.menu import rendered_menu


def navigation(request):
    """Which workspaces the navigation offers: one query over the user's roles, shared with
    the staff check of the same request (perms.request_roles)."""
    user = request.user
    if not user.is_authenticated:
        return {
            "nav_is_staff": False,
            "nav_is_partner": False,
            "nav_is_candidate": False,
            "nav_is_juror": False,
            "nav_is_certifier_admin": False,
            "nav_view_name": getattr(request.resolver_match, "view_name", None) or "",
            "staff_menu_html": "",
        }
    roles = request_roles(request)
    is_staff = user.is_superuser or any(
        r in CERTIFIER_STAFF_ROLES and k == OrganisationKind.CERTIFIER for r, k in roles
    )
    is_admin = user.is_superuser or (Role.ADMIN, OrganisationKind.CERTIFIER) in roles
    url_name = getattr(request.resolver_match, "view_name", None)
    return {
        "nav_is_staff": is_staff,
        "nav_is_partner": (Role.PARTNER_STAFF, OrganisationKind.PARTNER) in roles,
        "nav_is_candidate": any(r == Role.CANDIDATE for r, _ in roles),
        "nav_is_juror": any(r == Role.JUROR for r, _ in roles),
        "nav_is_certifier_admin": is_admin,
        "nav_view_name": url_name or "",
        # A callable: the template calls it where the menu is shown, and only there.
        "staff_menu_html": (
            partial(
                rendered_menu,
                url_name,
                is_admin=is_admin,
                certifier_name=request.session.get(CURRENT_CERTIFIER_NAME_KEY, ""),
            )
            if is_staff
            else ""
        ),
    }
