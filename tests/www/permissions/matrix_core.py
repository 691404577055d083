from django.urls import reverse

from tests.www.permissions.roles import PUBLIC, ROLES, STAFF, STAFF_OWN

# The Django admin: only the administrator (is_staff) gets in; others go to its login.
ADMIN = {**dict.fromkeys(ROLES, 302), "administrateur": 200}
LOADER = {**STAFF, "responsable_epreuves": 403}

ENTRIES = {
    "home": (lambda ctx: reverse("home"), PUBLIC),
    "referential": (lambda ctx: reverse("referential", args=[ctx["code"]]), PUBLIC),
    "referential_version": (
        lambda ctx: reverse("referential_version", args=[ctx["code"], 1]),
        PUBLIC,
    ),
    "login": (lambda ctx: reverse("login"), PUBLIC),
    "logout": (lambda ctx: reverse("logout"), dict.fromkeys(ROLES, 405)),  # POST only
    # Everyone is sent on: anonymous to the login page, the others to their workspace.
    "after_login": (lambda ctx: reverse("after_login"), dict.fromkeys(ROLES, 302)),
    "staff_dashboard": (lambda ctx: reverse("staff_dashboard"), STAFF),
    # Another certifier's staff see their own referentials (and unowned ones), never ours.
    "staff_referentials": (lambda ctx: reverse("staff_referentials"), STAFF),
    "staff_versions": (lambda ctx: reverse("staff_versions", args=[ctx["code"]]), STAFF_OWN),
    "admin:index": (lambda ctx: reverse("admin:index"), ADMIN),
    # A certifier's administrator loads its titles (an empty POST: the form refuses, 400).
    "staff_referential_load": (
        lambda ctx: reverse("staff_referential_load"),
        LOADER,
        {**LOADER, "administrateur": 400, "admin_autre_certificateur": 400},
    ),
}
