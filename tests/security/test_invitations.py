"""Invitations leak nothing: an existing account is offered the role, never given it, and
another certifier's staff never see that person's name."""

import pytest
from django.core import mail
from django.urls import reverse

from acquis.organisations.enums import Role
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_an_account_elsewhere_is_neither_revealed_nor_given_the_role(
    client, personas, certifier, other_certifier
):
    person = make_user("lea@test.fr", certifier, Role.JUROR, first_name="Léa", last_name="Secret")
    client.login(email=personas["admin_autre_certificateur"].email, password=PASSWORD)
    data = {
        "email": "lea@test.fr",
        "first_name": "Saisi",
        "last_name": "Parlautre",
        "organisation": other_certifier.pk,
        "role": Role.JUROR,
    }
    response = client.post(reverse("staff:users"), data, follow=True)
    html = response.content.decode()
    assert "Invitation envoyée à lea@test.fr." in html
    assert "Secret" not in html and "Léa" not in html  # the inviter's typing only
    assert "Saisi Parlautre" in html
    assert person.roles_in(other_certifier) == set()
    assert "/compte/invitations/" in mail.outbox[-1].body
    # The person, logged in, accepts.
    client.logout()
    client.login(email="lea@test.fr", password=PASSWORD)
    assert client.get(reverse("accounts:after_login")).url == reverse("accounts:my_invitations")
    offer = client.get(reverse("accounts:my_invitations")).context["offers"][0]
    client.post(reverse("accounts:my_invitations"), {"invitation": offer.pk, "action": "accept"})
    assert person.roles_in(other_certifier) == {Role.JUROR}


def test_someone_else_cannot_accept_an_invitation(client, personas, certifier, other_certifier):
    from acquis.organisations.invitations import invite_user

    invitation = invite_user(
        email="jure@test.fr",
        first_name="",
        last_name="",
        organisation=other_certifier,
        role=Role.JUROR,
        actor=personas["admin_autre_certificateur"],
    )
    client.login(email=personas["candidat"].email, password=PASSWORD)
    client.post(
        reverse("accounts:my_invitations"), {"invitation": invitation.offer.pk, "action": "accept"}
    )
    assert personas["candidat"].roles_in(other_certifier) == set()
    assert personas["jure"].roles_in(other_certifier) == set()
