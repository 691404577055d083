"""The referential as a reader studies it, and the staff's versions and diff."""

import pytest
from django.urls import reverse

from acquis.referential.services import import_rncp, load_referential_file
from tests.conftest import DATA, PASSWORD


@pytest.mark.django_db
def test_public_referential_page_shows_everything(
    client, ops_version, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        response = client.get(reverse("public:referential", args=["ops-conseil-caci-isp"]))
    html = response.content.decode()
    assert "4 blocs de compétences · 24 compétences · 72 critères d'évaluation" in html
    assert (
        "Le candidat tient un discours en adéquation avec le support d&#x27;information remis"
        in html
    )
    assert "29 jours" in html
    assert "Animation d&#x27;une séquence de formation" in html
    assert "Livrables préparés en amont" in html
    assert "non communiqué" in html  # registry number unknown, never invented


@pytest.mark.django_db
def test_the_public_referential_tells_the_source_from_the_certifiers_practice(client, ops_version):
    import html as entities
    import re

    response = client.get(reverse("public:referential", args=["ops-conseil-caci-isp"]))
    page = " ".join(entities.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())
    rules = ops_version.rules
    for text in rules["practice"].values():
        assert f"Règle de l'organisme {text}" in page
    # The source's words, quoted as such.
    assert rules["evaluation_panel"]["text"] in page
    assert rules["certification_jury"]["text"] in page
    assert "Secteur d'expérience des professionnels : Insertion (liste fermée)." in page
    # The two timed parts of the training sequence (E10).
    assert (
        "Animation d'une séquence de formation — 30 minutes, durée fixée par le référentiel" in page
    )
    assert (
        "Présentation des modalités et de l'outil d'évaluation de la séquence — durée non "
        "fixée par le référentiel" in page
    )
    # "No medical data" is the product's data-protection rule, not one of the referential.
    assert "donnée médicale n'est transmise ni conservée" not in page


@pytest.mark.django_db
def test_home_lists_published_referentials_only(client, ops_version):
    import_rncp(str(DATA / "rncp" / "export_fiches_RNCP_v4.1_sample.xml"))
    html = client.get(reverse("public:home")).content.decode()
    assert html.count('class="card"') == 1  # drafts from the RNCP import are not public


@pytest.mark.django_db
def test_draft_versions_are_not_public(client):
    import_rncp(str(DATA / "rncp" / "export_fiches_RNCP_v4.1_sample.xml"))
    from acquis.referential.models import Certification

    code = Certification.objects.first().code
    assert client.get(reverse("public:referential", args=[code])).status_code == 404


@pytest.mark.django_db
def test_staff_sees_versions_and_their_diff(client, personas, ops_version, builtin_file, tmp_path):
    changed = tmp_path / "v2.yaml"
    text = builtin_file.read_text(encoding="utf-8")
    changed.write_text(
        text.replace("work_placement_days: 29", "work_placement_days: 30").replace(
            "La présentation est claire et précise.", "La présentation est claire."
        )
    )
    load_referential_file(changed)
    client.login(email=personas["responsable_epreuves"].email, password=PASSWORD)
    html = client.get(reverse("staff:versions", args=["ops-conseil-caci-isp"])).content.decode()
    assert "Changements de la version 1 à la version 2" in html
    assert "Critère C1.1.3 (text)" in html
    assert "Règles : training.work_placement_days" in html
    assert "2 changement(s)" in html
    bad = client.get(reverse("staff:versions", args=["ops-conseil-caci-isp"]) + "?de=1&a=7")
    assert "Choisissez deux versions existantes" in bad.content.decode()


@pytest.mark.django_db
def test_login_error_is_in_french(client, personas):
    response = client.post(
        reverse("accounts:login"), {"username": "admin@test.fr", "password": "faux"}
    )
    html = response.content.decode()
    assert "Adresse électronique ou mot de passe incorrect." in html
    assert "sensible à la casse" not in html


@pytest.mark.django_db
def test_the_email_address_is_not_case_sensitive_at_login(client, personas):
    response = client.post(
        reverse("accounts:login"), {"username": "  Admin@Test.FR ", "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url == reverse("accounts:after_login")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "destination"),
    [
        # The staff's second factor first (enrolment at their first login).
        ("administrateur", "accounts:two_factor_setup"),
        ("responsable_epreuves", "accounts:two_factor_setup"),
        ("partenaire", "partner:candidacies"),
        ("candidat", "candidate:dossier"),
        ("jure", "public:home"),
    ],
)
def test_each_audience_lands_in_its_workspace_after_login(client, personas, role, destination):
    response = client.post(
        reverse("accounts:login"),
        {"username": personas[role].email, "password": PASSWORD},
        follow=False,
    )
    assert response.url == reverse("accounts:after_login")
    assert client.get(response.url).url.split("?")[0] == reverse(destination)


@pytest.mark.django_db
def test_the_admin_shows_the_referential_read_only(client, personas, ops_version):
    personas["administrateur"].is_staff = True
    personas["administrateur"].is_superuser = True
    personas["administrateur"].save()
    client.login(email=personas["administrateur"].email, password=PASSWORD)
    response = client.get("/admin/referential/competency/?q=C1.1")
    assert response.status_code == 200
    assert "Présenter un dispositif" in response.content.decode()
    assert client.get("/admin/referential/competency/add/").status_code == 403
