"""Invitations through the service: who may invite whom, the email, accepting the link."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core import mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from acquis.audit.models import AuditEvent
from acquis.audit.services import verify_chain
from acquis.organisations.enums import OrganisationKind, Role
from acquis.organisations.exceptions import OrganisationError
from acquis.organisations.invitations import (
    accept_invitation,
    decide_offer,
    invitable_organisations,
    invite_user,
    invited_user,
    pending_offers,
)
from acquis.organisations.models import Organisation, User
from tests.conftest import PASSWORD

STRONG = "Gentiane-sur-Bron-2026"
LINK = re.compile(r"https?://\S+/invitation/(?P<uid>[^/\s]+)/(?P<token>[^/\s]+)/")


def invite(actor, organisation, role, email="nouveau@test.fr", **extra):
    return invite_user(
        email=email,
        first_name=extra.get("first_name", "Lucie"),
        last_name=extra.get("last_name", "Ferrand"),
        organisation=organisation,
        role=role,
        actor=actor,
    )


def link_parts(message) -> tuple[str, str]:
    match = LINK.search(message.body)
    assert match, message.body
    return match["uid"], match["token"]


@pytest.mark.django_db
def test_admin_invites_a_new_juror(personas, certifier, settings):
    settings.SITE_URL = "https://acquis.example.fr"
    admin = personas["administrateur"]
    invitation = invite(admin, certifier, Role.JUROR, email="  Lucie.Ferrand@Test.FR ")
    user = invitation.user
    assert invitation.new_user
    assert user.email == "lucie.ferrand@test.fr"
    assert (user.first_name, user.last_name) == ("Lucie", "Ferrand")
    assert not user.is_active and not user.has_usable_password()
    assert user.roles_in(certifier) == {Role.JUROR}
    [message] = mail.outbox
    assert message.to == ["lucie.ferrand@test.fr"]
    assert message.subject == "Acquis : invitation à rejoindre OPS Conseil"
    assert "avec le rôle « Membre de jury »" in message.body
    assert "Ce lien est valable 3 jours" in message.body
    assert invitation.accept_url.startswith("https://acquis.example.fr/invitation/")
    assert invitation.accept_url in message.body
    verbs = list(AuditEvent.objects.order_by("id").values_list("verb", flat=True))
    assert verbs[-2:] == ["membership.granted", "user.invited"]
    event = AuditEvent.objects.get(verb="user.invited")
    assert event.actor == admin and event.payload["role"] == "juror"
    assert verify_chain().ok


@pytest.mark.django_db
def test_accepting_activates_the_account_and_the_link_then_dies(personas, certifier):
    invitation = invite(personas["administrateur"], certifier, Role.JUROR)
    uid, token = link_parts(mail.outbox[0])
    assert invited_user(uid, token) == invitation.user
    user = accept_invitation(uid, token, STRONG)
    user.refresh_from_db()
    assert user.is_active and user.check_password(STRONG)
    assert authenticate(email="nouveau@test.fr", password=STRONG) == user
    event = AuditEvent.objects.get(verb="user.invitation_accepted")
    assert (event.from_state, event.to_state, event.actor) == ("pending", "active", user)
    with pytest.raises(OrganisationError, match="a déjà servi"):
        accept_invitation(uid, token, "Un-autre-mot-de-passe-42")
    with pytest.raises(OrganisationError):
        invited_user(uid, token)
    user.refresh_from_db()
    assert user.check_password(STRONG)


class _FourDaysAgo(PasswordResetTokenGenerator):
    def _now(self):
        return super()._now() - timedelta(days=4)


@pytest.mark.django_db
def test_an_expired_link_is_refused(personas, certifier):
    user = invite(personas["administrateur"], certifier, Role.JUROR).user
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    old_token = _FourDaysAgo().make_token(user)  # same secret, issued 4 days ago (> 3 days)
    with pytest.raises(OrganisationError, match="expiré"):
        accept_invitation(uid, old_token, STRONG)
    user.refresh_from_db()
    assert not user.is_active


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("uid", "token"),
    [("bm9wZQ", "abc-def"), ("!!!", "abc-def"), ("OTk5OTk", "abc-def")],
)
def test_garbage_links_are_refused(personas, certifier, uid, token):
    invite(personas["administrateur"], certifier, Role.JUROR)
    with pytest.raises(OrganisationError, match="n'est plus valide"):
        accept_invitation(uid, token, STRONG)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("court", "trop court"),
        ("12345678901", "entièrement numérique"),
        ("motdepasse", "trop courant"),
        ("nouveau@test.fr", "trop semblable"),
    ],
)
def test_a_weak_password_is_refused_in_french(personas, certifier, password, reason):
    invite(personas["administrateur"], certifier, Role.JUROR)
    uid, token = link_parts(mail.outbox[0])
    with pytest.raises(OrganisationError) as caught:
        accept_invitation(uid, token, password)
    assert caught.value.field == "password"
    assert any(reason in issue for issue in caught.value.problems), caught.value.problems
    user = User.objects.get(email="nouveau@test.fr")
    assert not user.is_active and not user.has_usable_password()
    assert accept_invitation(uid, token, STRONG).is_active  # the link still works


@pytest.mark.django_db
def test_a_password_reset_token_cannot_activate_through_the_invitation(personas):
    juror = personas["jure"]
    uid = urlsafe_base64_encode(force_bytes(juror.pk))
    token = default_token_generator.make_token(juror)
    with pytest.raises(OrganisationError):
        accept_invitation(uid, token, STRONG)
    juror.refresh_from_db()
    assert juror.check_password(PASSWORD)


@pytest.mark.django_db
def test_exam_manager_invites_jurors_and_candidates_only(personas, certifier, partner):
    manager = personas["responsable_epreuves"]
    assert invite(manager, certifier, Role.JUROR).user.roles_in(certifier) == {Role.JUROR}
    assert invite(manager, certifier, Role.CANDIDATE, email="c@test.fr").membership.pk
    for role in (Role.ADMIN, Role.EXAM_MANAGER):
        with pytest.raises(OrganisationError, match="membres de jury et des candidats") as caught:
            invite(manager, certifier, role, email="chef@test.fr")
        assert caught.value.field == "role"
    with pytest.raises(OrganisationError, match="chez le certificateur uniquement"):
        invite(manager, partner, Role.PARTNER_STAFF, email="chef@test.fr")
    assert not User.objects.filter(email="chef@test.fr").exists()
    assert len(mail.outbox) == 2
    assert invitable_organisations(manager) == {
        certifier: (Role.JUROR, Role.CANDIDATE),
    }


@pytest.mark.django_db
def test_admin_invites_partner_staff_into_a_partner_and_only_that(personas, certifier, partner):
    admin = personas["administrateur"]
    invitation = invite(admin, partner, Role.PARTNER_STAFF)
    assert "(organisme partenaire du certificateur OPS Conseil)" in mail.outbox[0].body
    assert invitation.user.roles_in(partner) == {Role.PARTNER_STAFF}
    with pytest.raises(OrganisationError, match="seul le rôle « Personnel"):
        invite(admin, partner, Role.JUROR, email="x@test.fr")
    with pytest.raises(OrganisationError, match="s'attribue dans un organisme partenaire"):
        invite(admin, certifier, Role.PARTNER_STAFF, email="x@test.fr")
    assert invite(admin, certifier, Role.ADMIN, email="x@test.fr").membership.role == "admin"
    assert invitable_organisations(admin) == {
        certifier: (Role.ADMIN, Role.EXAM_MANAGER, Role.JUROR, Role.CANDIDATE),
        partner: (Role.PARTNER_STAFF,),
    }


@pytest.mark.django_db
def test_nobody_invites_into_another_certifier(personas, certifier, partner, other_certifier):
    other_admin = personas["admin_autre_certificateur"]
    for organisation, role in ((certifier, Role.JUROR), (partner, Role.PARTNER_STAFF)):
        with pytest.raises(OrganisationError, match="ne relève pas de votre certificateur"):
            invite(other_admin, organisation, role)
    assert not User.objects.filter(email="nouveau@test.fr").exists()
    assert mail.outbox == []
    assert set(invitable_organisations(other_admin)) == {other_certifier}


@pytest.mark.django_db
@pytest.mark.parametrize("role_name", ["jure", "partenaire", "candidat", "anonyme"])
def test_only_certifier_staff_invites(personas, certifier, partner, role_name):
    actor = personas[role_name]
    with pytest.raises(OrganisationError, match="Seul le personnel du certificateur"):
        invite(actor, certifier, Role.JUROR)
    assert invitable_organisations(actor) == {}
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_existing_account_gets_a_pending_invitation_it_accepts_logged_in(personas, certifier):
    juror = personas["jure"]
    invitation = invite(personas["administrateur"], certifier, Role.CANDIDATE, email="JURE@test.fr")
    assert invitation.user == juror and not invitation.new_user
    assert invitation.accept_url == "" and invitation.membership is None
    assert juror.roles_in(certifier) == {Role.JUROR}  # nothing attached without consent
    [message] = mail.outbox
    assert message.subject == "Acquis : invitation dans OPS Conseil"
    assert "/invitation/" not in message.body and "/compte/invitations/" in message.body
    [offer] = pending_offers(juror)
    decide_offer(offer.pk, juror, accept=True)
    assert juror.roles_in(certifier) == {Role.JUROR, Role.CANDIDATE}
    juror.refresh_from_db()
    assert juror.check_password(PASSWORD)  # nothing about the account changed


@pytest.mark.django_db
def test_inviting_a_pending_person_again_sends_a_working_link(personas, certifier):
    admin = personas["administrateur"]
    first = invite(admin, certifier, Role.JUROR)
    again = invite(admin, certifier, Role.JUROR)
    assert again.user == first.user and not again.new_user
    assert User.objects.filter(email="nouveau@test.fr").count() == 1
    assert first.user.memberships.count() == 1
    assert len(mail.outbox) == 2
    uid, token = link_parts(mail.outbox[1])
    assert accept_invitation(uid, token, STRONG).is_active


@pytest.mark.django_db
def test_a_deactivated_account_is_not_reactivated_by_an_invitation(personas, certifier):
    juror = personas["jure"]
    juror.is_active = False
    juror.save()
    with pytest.raises(OrganisationError, match="désactivé") as caught:
        invite(personas["administrateur"], certifier, Role.CANDIDATE, email=juror.email)
    assert caught.value.field == "email"
    assert juror.roles_in(certifier) == {Role.JUROR}
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["", "pas-une-adresse", "a@b"])
def test_a_bad_email_or_role_is_refused(personas, certifier, email):
    with pytest.raises(OrganisationError, match="Adresse électronique"):
        invite(personas["administrateur"], certifier, Role.JUROR, email=email)
    with pytest.raises(OrganisationError, match="Rôle"):
        invite(personas["administrateur"], certifier, "superhero")


@pytest.mark.django_db
def test_a_superuser_may_invite_anywhere(certifier, other_certifier):
    root = User.objects.create_superuser("root@test.fr", PASSWORD)
    assert invite(root, other_certifier, Role.ADMIN).user.roles_in(other_certifier) == {"admin"}
    assert set(invitable_organisations(root)) == set(
        Organisation.objects.filter(kind=OrganisationKind.CERTIFIER)
    )
