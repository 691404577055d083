"""Roles and typical expectations common to the permission matrix modules.

Each module `tests/www/permissions/matrix_*.py` defines `ENTRIES = {url_name: (build, expected)}`
where `build(ctx)` returns the URL and `expected` maps every role to 200/302/403/404/405.
`ctx` comes from the `matrix_context` fixture (test_matrix.py) and holds the objects URLs need.
"""

ROLES = [
    "anonyme",
    "administrateur",
    "responsable_epreuves",
    "jure",
    "partenaire",
    "candidat",
    "admin_autre_certificateur",
]
PUBLIC = dict.fromkeys(ROLES, 200)
STAFF = {
    "anonyme": 302,
    "administrateur": 200,
    "responsable_epreuves": 200,
    "jure": 403,
    "partenaire": 403,
    "candidat": 403,
    "admin_autre_certificateur": 200,
}
# An object owned by OPS Conseil: hidden (404) from another certifier's staff.
STAFF_OWN = {**STAFF, "admin_autre_certificateur": 404}
