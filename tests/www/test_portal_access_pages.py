"""« Ouvrir l'espace candidat » on the dossier, the cohort's bulk invitation, the status."""

import pytest
from django.core import mail
from django.urls import reverse

from acquis.candidates.services import create_cohort
from tests import factories
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, persona):
    assert client.login(email=persona.email, password=PASSWORD)


def test_the_dossier_shows_the_status_and_opens_the_space(client, personas, ops_version):
    candidacy = factories.candidacy(ops_version)
    candidate = candidacy.candidate
    login(client, personas["responsable_epreuves"])
    page = client.get(reverse("staff:candidacy", args=[candidacy.pk])).content.decode()
    assert "Espace candidat non ouvert" in page
    assert "Ouvrir l'espace candidat" in page

    url = reverse("staff:candidate_open_portal", args=[candidate.pk])
    response = client.post(url, {"candidature": candidacy.pk})

    assert response.url == reverse("staff:candidacy", args=[candidacy.pk]) + "#espace-candidat"
    candidate.refresh_from_db()
    assert candidate.user is not None and candidate.user.email == candidate.email
    assert [m.to for m in mail.outbox] == [[candidate.email]]
    page = client.get(response.url).content.decode()
    assert f"Invitation envoyée à {candidate.email}" in page
    assert "Invitation envoyée, compte pas encore activé" in page
    assert "Renvoyer l'invitation" in page


def test_the_candidate_page_says_an_email_is_needed_first(client, personas, certifier):
    candidate = factories.candidate(certifier, email="")
    login(client, personas["administrateur"])
    page = client.get(reverse("staff:candidate", args=[candidate.pk])).content.decode()
    assert "indiquez d'abord l'adresse électronique" in page
    response = client.post(reverse("staff:candidate_open_portal", args=[candidate.pk]), follow=True)
    assert "Indiquez d&#x27;abord l&#x27;adresse électronique du candidat" in (
        response.content.decode()
    )
    assert mail.outbox == []


def test_another_certifier_cannot_open_the_space(client, personas, certifier):
    candidate = factories.candidate(certifier)
    login(client, personas["admin_autre_certificateur"])
    response = client.post(reverse("staff:candidate_open_portal", args=[candidate.pk]))
    assert response.status_code == 404
    candidate.refresh_from_db()
    assert candidate.user is None and mail.outbox == []


def test_the_cohort_invites_its_candidates_and_lists_those_left(
    client, personas, certifier, ops_version
):
    cohort = create_cohort(certifier=certifier, version=ops_version, name="Lyon 2026")
    factories.candidacy(ops_version, cohort=cohort)
    factories.candidacy(ops_version, cohort=cohort)
    no_email = factories.candidate(certifier, birth_name="Sansmail", email="")
    factories.candidacy(ops_version, cohort=cohort, person=no_email)
    login(client, personas["responsable_epreuves"])
    page = client.get(reverse("staff:cohorts")).content.decode()
    assert "Inviter les candidats de la promotion" in page

    response = client.post(reverse("staff:cohort_invite", args=[cohort.pk]), follow=True)

    html = response.content.decode()
    assert "Promotion « Lyon 2026 » : 2 invitations envoyées." in html
    assert "SANSMAIL" in html and "n&#x27;est pas invité" in html
    assert len(mail.outbox) == 2


def test_inviting_a_candidate_from_users_links_her_dossier(client, personas, certifier):
    candidate = factories.candidate(certifier, email="julie@exemple.fr")
    login(client, personas["responsable_epreuves"])
    data = {
        "email": "Julie@Exemple.fr",
        "first_name": "Julie",
        "last_name": "Marchand",
        "organisation": certifier.pk,
        "role": "candidate",
    }
    response = client.post(reverse("staff:users"), data)
    assert response.url == reverse("staff:candidate", args=[candidate.pk])
    candidate.refresh_from_db()
    assert candidate.user is not None and candidate.user.email == "julie@exemple.fr"
    assert [m.to for m in mail.outbox] == [["julie@exemple.fr"]]


def test_a_candidate_without_a_dossier_is_not_invited_from_users(client, personas, certifier):
    login(client, personas["responsable_epreuves"])
    data = {
        "email": "personne@exemple.fr",
        "first_name": "Per",
        "last_name": "Sonne",
        "organisation": certifier.pk,
        "role": "candidate",
    }
    html = client.post(reverse("staff:users"), data).content.decode()
    assert "Aucun dossier candidat sans espace actif n&#x27;a cette adresse" in html
    assert mail.outbox == []
