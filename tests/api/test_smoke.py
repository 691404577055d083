import pytest

from tests import factories


@pytest.mark.django_db
def test_register_and_read(make_api, certifier, ops_version, habilitated):
    api = make_api(certifier)
    body = {
        "candidate": factories.identity(birth_date="1990-01-02"),
        "version_id": ops_version.pk,
        "pathway": "training",
        "access_mode": "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
        "partner_id": habilitated.pk,
    }
    response = api.post("/candidacies", body)
    print(response.status_code, response.content.decode()[:2000])
    assert response.status_code == 201
    listing = api.get("/candidacies")
    print(listing.content.decode()[:1000])
    assert listing.status_code == 200
    print(api.get("/openapi.json").status_code)
