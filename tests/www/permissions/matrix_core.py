from django.urls import reverse

from tests.www.permissions.roles import PUBLIC, ROLES, STAFF, STAFF_OWN

# The Django admin: only the administrator (is_staff) gets in; others go to its login.
ADMIN = {**dict.fromkeys(ROLES, 302), "administrateur": 200}
LOADER = {**STAFF, "responsable_epreuves": 403}

ENTRIES = {
    "public:home": (lambda ctx: reverse("public:home"), PUBLIC),
    "public:referential": (lambda ctx: reverse("public:referential", args=[ctx["code"]]), PUBLIC),
    "public:referential_version": (
        lambda ctx: reverse("public:referential_version", args=[ctx["code"], 1]),
        PUBLIC,
    ),
    "accounts:login": (lambda ctx: reverse("accounts:login"), PUBLIC),
    "accounts:logout": (
        lambda ctx: reverse("accounts:logout"),
        dict.fromkeys(ROLES, 405),
    ),  # POST only
    # Everyone is sent on: anonymous to the login page, the others to their workspace.
    "accounts:after_login": (
        lambda ctx: reverse("accounts:after_login"),
        dict.fromkeys(ROLES, 302),
    ),
    "staff:dashboard": (lambda ctx: reverse("staff:dashboard"), STAFF),
    # Another certifier's staff see their own referentials (and unowned ones), never ours.
    "staff:referentials": (lambda ctx: reverse("staff:referentials"), STAFF),
    "staff:versions": (lambda ctx: reverse("staff:versions", args=[ctx["code"]]), STAFF_OWN),
    "admin:index": (lambda ctx: reverse("admin:index"), ADMIN),
    # A certifier's administrator loads its titles (an empty POST: the form refuses, 400).
    "staff:referential_load": (
        lambda ctx: reverse("staff:referential_load"),
        LOADER,
        {**LOADER, "administrateur": 400, "admin_autre_certificateur": 400},
    ),
}
