"""Partner organisations: training bodies a certifier empowers to prepare candidates and/or
organise evaluations (France Compétences' HABILITATION_PARTENAIRE, enums.Habilitation)."""

from django.db import transaction

from acquis.audit.services import record_event
from acquis.organisations.enums import Habilitation, OrganisationKind
from acquis.organisations.exceptions import OrganisationError
from acquis.organisations.invitations import may_administer
from acquis.organisations.models import Organisation

# INSEE: La Poste's establishments share the SIREN 356 000 000 and their SIRET does not follow
# the Luhn key; the sum of its digits is a multiple of 5 instead.
LA_POSTE_SIREN = "356000000"


def luhn_ok(digits: str) -> bool:
    """The Luhn check (ISO/IEC 7812-1) that the SIREN and SIRET numbers carry."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def validate_siret(value) -> str:
    """The SIRET as 14 digits (spaces removed), or OrganisationError naming the field."""
    siret = "".join((value or "").split())
    if not siret:
        raise OrganisationError("SIRET : ce champ est obligatoire.", field="siret")
    if len(siret) != 14 or not siret.isascii() or not siret.isdigit():
        raise OrganisationError(
            "SIRET : saisissez les 14 chiffres du numéro (les espaces sont acceptés).",
            field="siret",
        )
    la_poste = siret.startswith(LA_POSTE_SIREN) and sum(map(int, siret)) % 5 == 0
    if not (luhn_ok(siret) or la_poste):
        raise OrganisationError(
            "SIRET : ce numéro n'existe pas (sa clé de contrôle est fausse) ; vérifiez-le "
            "sur l'avis de situation au répertoire SIRENE.",
            field="siret",
        )
    return siret


@transaction.atomic
def create_partner(*, certifier, name, siret, habilitation, actor) -> Organisation:
    """Add a partner organisation to the certifier (its administrator only)."""
    if certifier.kind != OrganisationKind.CERTIFIER:
        raise OrganisationError("Un organisme partenaire se rattache à un certificateur.")
    if not may_administer(actor, certifier):
        raise OrganisationError(
            "Seul l'administrateur du certificateur peut ajouter un organisme partenaire."
        )
    name = " ".join((name or "").split())
    if not name:
        raise OrganisationError("Nom : ce champ est obligatoire.", field="name")
    siret = validate_siret(siret)
    if habilitation not in Habilitation.values:
        raise OrganisationError(
            "Habilitation : choisissez préparer, organiser ou les deux.", field="habilitation"
        )
    # Serialise additions per certifier so that the duplicate check below holds.
    Organisation.objects.select_for_update().filter(pk=certifier.pk).first()
    duplicate = Organisation.objects.filter(certifier=certifier, siret=siret).first()
    if duplicate is not None:
        raise OrganisationError(
            f"SIRET : ce numéro est déjà celui de l'organisme partenaire « {duplicate} ».",
            field="siret",
        )
    partner = Organisation.objects.create(
        kind=OrganisationKind.PARTNER,
        certifier=certifier,
        name=name,
        siret=siret,
        habilitation=habilitation,
    )
    record_event(
        "organisation.created",
        partner,
        actor=actor,
        payload={
            "kind": OrganisationKind.PARTNER,
            "certifier": certifier.name,
            "siret": siret,
            "habilitation": habilitation,
        },
    )
    return partner
