"""Forms: every error at once with a summary linking to each field, the civil-status sex
chosen (never defaulted), French phone and postal code formats (international allowed),
flash messages styled by level, French error pages with a way back."""

import re

import pytest
from django.urls import reverse

from acquis.candidates.identity import validate_contact
from tests import factories
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, persona):
    assert client.login(email=persona.email, password=PASSWORD)


def test_every_error_comes_at_once_with_a_summary_linking_to_the_fields(client, personas):
    login(client, personas["responsable_epreuves"])
    response = client.post(
        reverse("staff:candidate_new"),
        {
            "birth_name": "Moreau",
            "first_name": "Inès",
            "birth_date": "1992-04-17",
            "birth_insee_code": "6912",  # a rule of the identity (service), not of the form
            "email": "pas-une-adresse",  # a rule of the form
            "phone": "zzz",
            "postal_code": "ABCDEFGHIJ",
        },
    )
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)[0]
    links = re.findall(r'<a href="#(id_\w+)">', summary)
    assert links == ["id_sex", "id_birth_insee_code", "id_email", "id_phone", "id_postal_code"]
    assert "Choisissez le sexe inscrit à l&#x27;état civil." in summary
    assert "5 caractères" in summary and "10 chiffres commençant par 0" in summary
    assert 'role="alert"' in summary and "data-error-summary" in summary
    assert "Moreau" in html  # what was typed stays


def test_the_sex_is_never_chosen_for_the_person(client, personas):
    login(client, personas["responsable_epreuves"])
    html = client.get(reverse("staff:candidate_new")).content.decode()
    select = re.search(r'<select name="sex".*?</select>', html, re.S)[0]
    assert re.search(r'<option value="" selected>', select)
    assert "(obligatoire)" in html.split('for="id_sex"')[1].split("</label>")[0]


def test_an_edit_keeps_the_recorded_sex(client, personas, certifier):
    candidate = factories.candidate(certifier, sex="M")
    login(client, personas["responsable_epreuves"])
    html = client.get(reverse("staff:candidate_edit", args=[candidate.pk])).content.decode()
    assert '<option value="M" selected>' in html


@pytest.mark.parametrize(
    "phone",
    ["04 72 00 00 00", "0472000000", "06.12.34.56.78", "+33 6 12 34 56 78", "+1 212 555 0100"],
)
def test_french_and_international_phones_are_accepted(phone):
    assert validate_contact({"phone": phone}) == {}


@pytest.mark.parametrize("phone", ["zzz", "123", "06 12 34 56", "+1", "0012"])
def test_other_phones_are_refused(phone):
    assert "phone" in validate_contact({"phone": phone})


@pytest.mark.parametrize("code", ["69003", "SW1A 1AA", "D02 X285", "1000", "2A004"])
def test_french_and_foreign_postal_codes_are_accepted(code):
    assert validate_contact({"postal_code": code}) == {}


@pytest.mark.parametrize("code", ["ABCDEFGHIJ", "ab", "12", "!!!!!"])
def test_other_postal_codes_are_refused(code):
    assert "postal_code" in validate_contact({"postal_code": code})


def test_the_service_refuses_a_bad_phone_too(certifier):
    from acquis.candidates.exceptions import CandidateError

    with pytest.raises(CandidateError) as caught:
        factories.candidate(certifier, phone="zzz")
    assert caught.value.field == "phone"


def test_an_empty_access_mode_asks_to_choose_it(personas, ops_version, certifier):
    from acquis.candidates.exceptions import CandidateError
    from acquis.candidates.services import register_candidacy

    with pytest.raises(CandidateError) as caught:
        register_candidacy(
            candidate=factories.candidate(certifier),
            version=ops_version,
            pathway="training",
            access_mode="",
        )
    message = caught.value.field_messages()["access_mode"][0]
    assert message.startswith("Choisissez la modalité d'accès")
    assert "incompatible" not in message


def test_flash_messages_have_one_style_per_level():
    from django.template.loader import render_to_string

    class Message:
        def __init__(self, level_tag, text):
            self.level_tag, self.text = level_tag, text

        def __str__(self):
            return self.text

    html = render_to_string(
        "www/includes/messages.html",
        {
            "messages": [
                Message("success", "Fait."),
                Message("warning", "Tard."),
                Message("error", "Non."),
            ]
        },
    )
    assert 'class="message message-success"' in html and "Succès :" in html
    assert 'class="message message-warning"' in html and "Attention :" in html
    assert re.search(r'class="message message-error"\s+role="alert"', html) and "Erreur :" in html


def test_an_error_flash_sits_below_the_staff_menu(client, personas, certifier):
    candidate = factories.candidate(certifier, email="")
    login(client, personas["responsable_epreuves"])
    url = reverse("staff:candidate_open_portal", args=[candidate.pk])
    html = client.post(url, follow=True).content.decode()
    assert html.index('aria-label="Gestion"') < html.index("message-error") < html.index("<h1")


@pytest.mark.parametrize("persona", ["anonyme", "candidat"])
def test_the_404_page_is_french_with_a_way_back(client, personas, persona):
    if personas[persona] is not None:
        login(client, personas[persona])
    response = client.get("/gestion/candidatures/999999/nulle-part/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in html and 'lang="fr"' in html
    back = reverse("accounts:after_login") if personas[persona] else reverse("accounts:login")
    assert f'href="{back}"' in html and f'href="{reverse("public:home")}"' in html


def test_the_403_page_is_french_with_a_way_back(client, personas):
    login(client, personas["candidat"])
    response = client.get(reverse("staff:candidacies"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Accès refusé</h1>" in html and "Revenir à mon espace" in html


def test_the_500_page_is_french_and_stands_alone():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Erreur du serveur" in html and 'href="/"' in html
