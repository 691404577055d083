"""Partner organisations through the service: SIRET check, habilitation, who may add."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acquis.audit.models import AuditEvent
from acquis.organisations.enums import Habilitation, OrganisationKind
from acquis.organisations.exceptions import OrganisationError
from acquis.organisations.partners import create_partner, luhn_ok, validate_siret

VALID_SIRET = "73282932000074"  # a real establishment's SIRET (Luhn key holds)


def add(actor, certifier, **overrides):
    values = {
        "name": "Insertion Formation Lyon",
        "siret": VALID_SIRET,
        "habilitation": Habilitation.BOTH,
    }
    values.update(overrides)
    return create_partner(certifier=certifier, actor=actor, **values)


@pytest.mark.django_db
def test_admin_adds_a_partner_with_an_audit_event(personas, certifier):
    admin = personas["administrateur"]
    partner = add(admin, certifier, name="  Insertion   Formation Lyon ", siret="732 829 320 00074")
    assert partner.kind == OrganisationKind.PARTNER and partner.certifier == certifier
    assert (partner.name, partner.siret) == ("Insertion Formation Lyon", VALID_SIRET)
    assert partner.get_habilitation_display() == "Préparer et organiser"
    event = AuditEvent.objects.get(verb="organisation.created", object_id=str(partner.pk))
    assert event.actor == admin
    assert event.payload == {
        "kind": "partner",
        "certifier": "OPS Conseil",
        "siret": VALID_SIRET,
        "habilitation": "both",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("", "SIRET : ce champ est obligatoire."),
        ("7328293200007", "SIRET : saisissez les 14 chiffres"),
        ("7328293200007A", "SIRET : saisissez les 14 chiffres"),
        ("٧٣٢٨٢٩٣٢٠٠٠٠٧٤", "SIRET : saisissez les 14 chiffres"),  # Arabic-Indic digits
        ("73282932000075", "SIRET : ce numéro n'existe pas (sa clé de contrôle est fausse)"),
    ],
)
def test_an_invalid_siret_is_refused_naming_the_field(personas, certifier, siret, message):
    with pytest.raises(OrganisationError) as caught:
        add(personas["administrateur"], certifier, siret=siret)
    assert caught.value.message.startswith(message)
    assert caught.value.field == "siret"
    assert not certifier.partners.exclude(name="Formation Plus").exists()  # the persona's


def test_la_poste_establishments_follow_their_own_key():
    # SIREN 356 000 000: digit sum multiple of 5 (INSEE), though the Luhn key fails.
    assert not luhn_ok("35600000049837")
    assert validate_siret("35600000049837") == "35600000049837"
    with pytest.raises(OrganisationError):
        validate_siret("35600000049838")


@given(st.text(alphabet="0123456789", min_size=13, max_size=13), st.data())
def test_luhn_catches_every_single_digit_error(body, data):
    key = next(d for d in "0123456789" if luhn_ok(body + d))
    siret = body + key
    assert validate_siret(siret) == siret or siret.startswith("356000000")
    position = data.draw(st.integers(0, 13))
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != siret[position]]))
    altered = siret[:position] + wrong + siret[position + 1 :]
    assert not luhn_ok(altered)


@pytest.mark.django_db
def test_name_habilitation_and_duplicates_are_checked(personas, certifier, other_certifier):
    admin = personas["administrateur"]
    with pytest.raises(OrganisationError, match="Nom : ce champ est obligatoire") as caught:
        add(admin, certifier, name="   ")
    assert caught.value.field == "name"
    with pytest.raises(OrganisationError, match="Habilitation : choisissez") as caught:
        add(admin, certifier, habilitation="grade")
    assert caught.value.field == "habilitation"
    add(admin, certifier)
    with pytest.raises(OrganisationError, match="déjà celui de l'organisme partenaire"):
        add(admin, certifier, name="Autre nom")
    other_admin = personas["admin_autre_certificateur"]
    assert add(other_admin, other_certifier).certifier == other_certifier  # per certifier


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role_name", ["responsable_epreuves", "jure", "partenaire", "candidat", "anonyme"]
)
def test_only_the_certifiers_admin_adds_partners(personas, certifier, role_name):
    with pytest.raises(OrganisationError, match="Seul l'administrateur du certificateur"):
        add(personas[role_name], certifier)
    assert not certifier.partners.exclude(name="Formation Plus").exists()  # the persona's


@pytest.mark.django_db
def test_another_certifiers_admin_cannot_add_to_ours(personas, certifier, partner):
    with pytest.raises(OrganisationError, match="Seul l'administrateur du certificateur"):
        add(personas["admin_autre_certificateur"], certifier)
    with pytest.raises(OrganisationError, match="se rattache à un certificateur"):
        add(personas["administrateur"], partner)
    assert list(certifier.partners.all()) == [partner]
