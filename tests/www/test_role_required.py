"""The one permission decorator (acquis.www.perms.role_required) as each audience uses it:
anonymous → login page, outside the audience → 403 with that audience's French message,
then the objects of the audience (404 for a deliberation the juror does not sit on).

The matrix (tests/www/permissions/) gives the status of every URL for every role; this file
checks what the matrix cannot see: which message each 403 carries, and in which order the
staff and administrator checks run.
"""

import pytest
from django.urls import reverse

from acquis.organisations.enums import Role
from acquis.organisations.services import grant_role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

STAFF = "Réservé au personnel du certificateur."
ADMIN = "Réservé à l'administrateur du certificateur."
JUROR = "Réservé aux membres de jury d'évaluation."
JURY_MEMBER = "Réservé aux membres de jury."
CANDIDATE = "Réservé aux candidats."
PARTNER = "Réservé au personnel des organismes partenaires."

# One page per decorator: (url name, args).
PAGES = {
    "staff_required": ("staff:dashboard", []),
    "admin_required": ("staff:api_clients", []),
    "juror_required": ("jury:home", []),
    "jury_member_required": ("jury:deliberation", [999_999]),
    "candidate_required": ("candidate:dossier", []),
    "partner_required": ("partner:candidacies", []),
}


def _refusal(client, personas, persona, page):
    if personas[persona] is not None:
        assert client.login(email=personas[persona].email, password=PASSWORD)
    name, args = PAGES[page]
    return client.get(reverse(name, args=args))


@pytest.mark.parametrize("page", sorted(PAGES))
def test_an_anonymous_visitor_goes_to_the_login_page(client, personas, page):
    response = _refusal(client, personas, "anonyme", page)
    name, args = PAGES[page]
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={reverse(name, args=args)}"


@pytest.mark.parametrize(
    ("persona", "page", "message"),
    [
        ("jure", "staff_required", STAFF),
        ("candidat", "staff_required", STAFF),
        # The staff check runs first: a juror reads the staff message, not the admin's.
        ("jure", "admin_required", STAFF),
        ("responsable_epreuves", "admin_required", ADMIN),
        ("partenaire", "juror_required", JUROR),
        # The juror role without a juror record is not the evaluations' audience.
        ("jure", "juror_required", JUROR),
        ("candidat", "jury_member_required", JURY_MEMBER),
        ("administrateur", "jury_member_required", JURY_MEMBER),
        ("partenaire", "candidate_required", CANDIDATE),
        ("jure", "candidate_required", CANDIDATE),
        ("candidat", "partner_required", PARTNER),
        ("administrateur", "partner_required", PARTNER),
    ],
)
def test_outside_the_audience_is_403_with_its_message(client, personas, persona, page, message):
    response = _refusal(client, personas, persona, page)
    assert response.status_code == 403
    assert response.context["exception"] == message


def test_a_juror_on_no_such_deliberation_gets_404_not_403(client, personas):
    # The audience check passes (the juror role); the deliberation is not theirs.
    response = _refusal(client, personas, "jure", "jury_member_required")
    assert response.status_code == 404


def test_the_candidate_role_elsewhere_opens_the_portal_without_a_dossier(
    client, personas, other_certifier
):
    user = personas["partenaire"]
    grant_role(user, other_certifier, Role.CANDIDATE)
    response = _refusal(client, personas, "partenaire", "candidate_required")
    assert response.status_code == 200
    assert response.wsgi_request.candidate is None
