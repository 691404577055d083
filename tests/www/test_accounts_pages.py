"""Password reset, invitation acceptance and the staff's partners and users screens."""

import re

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.urls import reverse

from acquis.audit.models import AuditEvent
from acquis.organisations.enums import Role
from acquis.organisations.invitations import invite_user
from acquis.organisations.models import Organisation, User
from tests.conftest import PASSWORD, make_user

STRONG = "Gentiane-sur-Bron-2026"


def path_of(url_in_body: str, body: str) -> str:
    match = re.search(re.escape(url_in_body) + r"(/\S+)", body)
    assert match, body
    return match[1]


def login(client, persona):
    assert client.login(email=persona.email, password=PASSWORD)


# --- password reset ----------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_offers_the_forgotten_password_link(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("accounts:password_reset")}">Mot de passe oublié ?</a>' in html


@pytest.mark.django_db
def test_password_reset_journey(client, personas, settings):
    settings.SITE_URL = "https://acquis.example.fr"
    juror = personas["jure"]
    response = client.post(reverse("accounts:password_reset"), {"email": "JURE@test.fr"})
    assert response.url == reverse("accounts:password_reset_done")
    [message] = mail.outbox
    assert message.subject == "Acquis : choisir un nouveau mot de passe"
    assert "Ce lien est valable 3 jours" in message.body
    link = path_of("https://acquis.example.fr", message.body)
    assert link.startswith("/mot-de-passe/nouveau/")
    form_url = client.get(link).url  # Django moves the token into the session
    html = client.get(form_url).content.decode()
    assert "Choisir un nouveau mot de passe" in html and "Nouveau mot de passe" in html
    weak = client.post(form_url, {"new_password1": "court", "new_password2": "court"})
    assert "Ce mot de passe est trop court" in weak.content.decode()
    done = client.post(form_url, {"new_password1": STRONG, "new_password2": STRONG})
    assert done.url == reverse("accounts:password_reset_complete")
    assert authenticate(email=juror.email, password=STRONG) == juror
    assert AuditEvent.objects.filter(verb="user.password_reset", actor=juror).count() == 1
    again = client.get(link, follow=True).content.decode()
    assert "Ce lien n'est plus valide" in again


@pytest.mark.django_db
def test_password_reset_never_tells_who_has_an_account(client, personas):
    invite_user(
        email="attente@test.fr",
        first_name="Paul",
        last_name="Attente",
        organisation=personas["jure"].memberships.get().organisation,
        role=Role.JUROR,
        actor=personas["administrateur"],
    )
    mail.outbox.clear()
    for email in ("inconnu@test.fr", "attente@test.fr"):  # unknown; invited, not yet active
        response = client.post(reverse("accounts:password_reset"), {"email": email})
        assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []
    html = client.get(reverse("accounts:password_reset_done")).content.decode()
    assert "Si un compte actif correspond à cette adresse" in html


@pytest.mark.django_db
def test_password_reset_link_is_built_from_site_url_not_the_host(client, personas, settings):
    settings.SITE_URL = "https://acquis.example.fr"
    settings.ALLOWED_HOSTS = ["*"]
    client.post(
        reverse("accounts:password_reset"), {"email": "jure@test.fr"}, HTTP_HOST="evil.example"
    )
    assert "evil.example" not in mail.outbox[0].body
    assert "https://acquis.example.fr/mot-de-passe/nouveau/" in mail.outbox[0].body


# --- accepting an invitation -------------------------------------------------------------


@pytest.fixture
def invitation_path(personas, certifier, settings):
    settings.SITE_URL = "https://acquis.example.fr"
    invite_user(
        email="lucie@test.fr",
        first_name="Lucie",
        last_name="Ferrand",
        organisation=certifier,
        role=Role.JUROR,
        actor=personas["administrateur"],
    )
    return path_of("https://acquis.example.fr", mail.outbox[-1].body)


@pytest.mark.django_db
def test_invitation_page_sets_the_password_then_the_link_dies(client, invitation_path):
    html = client.get(invitation_path).content.decode()
    assert "<h1>Choisir mon mot de passe</h1>" in html
    assert 'value="lucie@test.fr"' in html
    assert "Votre mot de passe doit contenir au minimum 8 caractères" in html
    response = client.post(invitation_path, {"password1": STRONG, "password2": STRONG})
    # Activated and logged in: she goes on to her own space, not to the login page.
    assert response.url == reverse("accounts:after_login")
    page = client.get(response.url, follow=True).content.decode()
    assert "Votre mot de passe est enregistré et votre compte est actif" in page
    assert "Se déconnecter (lucie@test.fr)" in page
    user = User.objects.get(email="lucie@test.fr")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.is_active and authenticate(email=user.email, password=STRONG) == user
    dead = client.get(invitation_path).content.decode()
    assert "Lien non valide" in dead and "a déjà servi" in dead
    replay = client.post(invitation_path, {"password1": "Autre-Chose-99", "password2": "x"})
    assert "Lien non valide" in replay.content.decode()
    user.refresh_from_db()
    assert user.check_password(STRONG)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "second", "error"),
    [
        (STRONG, STRONG + "x", "Les deux mots de passe ne correspondent pas."),
        ("12345678901", "12345678901", "Ce mot de passe est entièrement numérique."),
        ("lucie@test.fr", "lucie@test.fr", "Le mot de passe est trop semblable"),
        ("", "", "Ce champ est obligatoire."),
    ],
)
def test_invitation_page_refuses_bad_passwords_in_french(
    client, invitation_path, first, second, error
):
    response = client.post(invitation_path, {"password1": first, "password2": second})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not User.objects.get(email="lucie@test.fr").is_active


@pytest.mark.django_db
def test_an_invitation_link_does_not_work_as_a_reset_link(client, invitation_path):
    reset_path = invitation_path.replace("/invitation/", "/mot-de-passe/nouveau/")
    response = client.get(reset_path, follow=True)
    assert "Lien non valide" in response.content.decode()
    user = User.objects.get(email="lucie@test.fr")
    assert not user.is_active and not user.has_usable_password()
    assert "Choisir mon mot de passe" in client.get(invitation_path).content.decode()


@pytest.mark.django_db
def test_a_tampered_invitation_link_is_refused(client, invitation_path):
    response = client.get(invitation_path[:-3] + "zz/")
    assert "Lien non valide" in response.content.decode()


# --- partners screen ---------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_adds_a_partner_from_the_screen(client, personas, certifier):
    login(client, personas["administrateur"])
    html = client.get(reverse("staff:partners")).content.decode()
    assert "Formation Plus" in html and "Ajouter un organisme partenaire" in html
    form = client.get(reverse("staff:partner_create")).content.decode()
    assert 'type="hidden" name="certifier"' in form  # one certifier: nothing to choose
    bad = client.post(
        reverse("staff:partner_create"),
        {
            "certifier": certifier.pk,
            "name": "IFL",
            "siret": "73282932000075",
            "habilitation": "both",
        },
    )
    assert "SIRET : ce numéro n&#x27;existe pas" in bad.content.decode()
    response = client.post(
        reverse("staff:partner_create"),
        {
            "certifier": certifier.pk,
            "name": "IFL",
            "siret": "732 829 320 00074",
            "habilitation": "prepare",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "L&#x27;organisme partenaire « IFL » est ajouté." in html
    assert "73282932000074" in html and "Préparer les candidats" in html


@pytest.mark.django_db
def test_partner_list_queries_do_not_grow(client, personas, certifier, django_assert_num_queries):
    login(client, personas["administrateur"])
    for n in range(5):
        Organisation.objects.create(kind="partner", name=f"P{n}", certifier=certifier)
        make_user(f"p{n}@test.fr", certifier.partners.get(name=f"P{n}"), Role.PARTNER_STAFF)
    # 6: the verified second factor's device is read from the session (django-otp); the
    # user's roles once per request, shared by the access check and the menu.
    with django_assert_num_queries(6):
        html = client.get(reverse("staff:partners")).content.decode()
    assert "6 organisme(s) partenaire(s)" in html


@pytest.mark.django_db
def test_exam_manager_sees_partners_but_cannot_add(client, personas, certifier):
    login(client, personas["responsable_epreuves"])
    html = client.get(reverse("staff:partners")).content.decode()
    assert "Formation Plus" in html and "Ajouter un organisme partenaire" not in html
    response = client.post(
        reverse("staff:partner_create"),
        {"certifier": certifier.pk, "name": "X", "siret": "73282932000074", "habilitation": "both"},
    )
    assert response.status_code == 403
    assert not Organisation.objects.filter(name="X").exists()


@pytest.mark.django_db
def test_another_certifier_neither_sees_nor_adds_to_our_partners(client, personas, certifier):
    login(client, personas["admin_autre_certificateur"])
    assert "Formation Plus" not in client.get(reverse("staff:partners")).content.decode()
    response = client.post(
        reverse("staff:partner_create"),
        {"certifier": certifier.pk, "name": "X", "siret": "73282932000074", "habilitation": "both"},
    )
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not certifier.partners.filter(name="X").exists()


# --- users screen ------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_sees_the_certifiers_and_partners_users_only(
    client, personas, other_certifier, django_assert_max_num_queries
):
    login(client, personas["administrateur"])
    with django_assert_max_num_queries(10):  # + second-factor device, pending invitations
        html = client.get(reverse("staff:users")).content.decode()
    for email in ("admin@test.fr", "epreuves@test.fr", "jure@test.fr", "partenaire@test.fr"):
        assert email in html
    assert "autre@test.fr" not in html
    assert "Personnel d&#x27;un organisme partenaire — Formation Plus" in html
    for _ in range(5):  # the page's queries do not grow with the number of users
        make_user(f"j{_}@test.fr", personas["jure"].memberships.get().organisation, Role.JUROR)
    with django_assert_max_num_queries(10):  # + second-factor device, pending invitations
        client.get(reverse("staff:users"))


@pytest.mark.django_db
def test_a_jurors_roles_at_another_certifier_stay_hidden(client, personas, other_certifier):
    juror = personas["jure"]
    invite_user(
        email=juror.email,
        first_name="",
        last_name="",
        organisation=other_certifier,
        role=Role.CANDIDATE,
        actor=personas["admin_autre_certificateur"],
    )
    login(client, personas["administrateur"])
    html = client.get(reverse("staff:users")).content.decode()
    assert "Membre de jury — OPS Conseil" in html
    assert "Autre Certificateur" not in html
    client.logout()
    login(client, personas["admin_autre_certificateur"])
    html = client.get(reverse("staff:users")).content.decode()
    assert "Candidat — Autre Certificateur" in html and "OPS Conseil" not in html


@pytest.mark.django_db
def test_admin_invites_from_the_users_screen(client, personas, partner):
    login(client, personas["administrateur"])
    html = client.get(reverse("staff:users")).content.decode()
    assert "Formation Plus (partenaire)" in html and ">Administrateur du certificateur<" in html
    refused = client.post(
        reverse("staff:users"),
        {
            "email": "paul@test.fr",
            "first_name": "Paul",
            "last_name": "Martin",
            "organisation": partner.pk,
            "role": Role.JUROR,
        },
    )
    assert "seul le rôle « Personnel d&#x27;un organisme partenaire »" in (refused.content.decode())
    assert mail.outbox == []
    response = client.post(
        reverse("staff:users"),
        {
            "email": "paul@test.fr",
            "first_name": "Paul",
            "last_name": "Martin",
            "organisation": partner.pk,
            "role": Role.PARTNER_STAFF,
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Invitation envoyée à paul@test.fr" in html
    assert "invitation en attente" in html
    assert mail.outbox[0].to == ["paul@test.fr"]


@pytest.mark.django_db
def test_exam_manager_is_offered_jurors_and_candidates_only(client, personas, certifier, partner):
    login(client, personas["responsable_epreuves"])
    html = client.get(reverse("staff:users")).content.decode()
    assert ">Membre de jury<" in html and ">Candidat<" in html
    assert ">Administrateur du certificateur<" not in html
    assert "Formation Plus (partenaire)" not in html
    data = {"email": "x@test.fr", "first_name": "X", "last_name": "Y"}
    for organisation, role in ((certifier, Role.ADMIN), (partner, Role.JUROR)):
        response = client.post(
            reverse("staff:users"), {**data, "organisation": organisation.pk, "role": role}
        )
        assert "Sélectionnez un choix valide" in response.content.decode()
    client.post(reverse("staff:users"), {**data, "organisation": certifier.pk, "role": "juror"})
    assert User.objects.get(email="x@test.fr").roles_in(certifier) == {Role.JUROR}


@pytest.mark.django_db
def test_another_certifier_cannot_invite_into_ours(client, personas, certifier):
    login(client, personas["admin_autre_certificateur"])
    response = client.post(
        reverse("staff:users"),
        {
            "email": "x@test.fr",
            "first_name": "X",
            "last_name": "Y",
            "organisation": certifier.pk,
            "role": Role.JUROR,
        },
    )
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not User.objects.filter(email="x@test.fr").exists()
    assert mail.outbox == []
