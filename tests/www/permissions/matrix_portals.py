"""The candidate portal (/mon-dossier/) and the partner screens (/partenaire/).

The candidate persona sees its own dossier; the partner persona, the candidacies of its
organisation ("Formation Plus"); everybody else is refused (403), anonymous visitors go to
the login page. The 404s for someone else's candidacy are in test_candidate_portal.py and
test_partner_pages.py (one entry per URL name here).
"""

from django.urls import reverse

from acquis.candidates import services
from acquis.candidates.portal import give_portal_access
from acquis.organisations.enums import Habilitation, OrganisationKind
from acquis.organisations.models import Organisation
from tests import factories
from tests.www.permissions.roles import ROLES


def _only(role: str) -> dict:
    return {**dict.fromkeys(ROLES, 403), "anonyme": 302, role: 200}


CANDIDATE = _only("candidat")
PARTNER = _only("partenaire")


def extend_context(ctx) -> dict:
    """A training candidacy of the candidate persona, followed by the partner persona's
    organisation, with one work placement (for the attestation URLs)."""
    personas, version = ctx["personas"], ctx["version"]
    certifier = version.certification.owner
    partner = Organisation.objects.get(
        kind=OrganisationKind.PARTNER, name="Formation Plus", certifier=certifier
    )
    partner.habilitation = Habilitation.PREPARE
    partner.save(update_fields=["habilitation"])
    person = factories.candidate(certifier, email=personas["candidat"].email)
    give_portal_access(person, actor=personas["administrateur"])
    candidacy = factories.candidacy(version, person=person, partner=partner, started=True)
    placement = services.record_placement(
        candidacy, host_structure="Mission locale", position="Accueil", tutor_name="M. Roux"
    )
    return {"portal_candidacy": candidacy, "portal_placement": placement}


def _candidacy_url(name):
    return lambda ctx: reverse(name, args=[ctx["portal_candidacy"].pk])


def _placement_url(name):
    return lambda ctx: reverse(name, args=[ctx["portal_candidacy"].pk, ctx["portal_placement"].pk])


ENTRIES = {
    "candidate:dossier": (lambda ctx: reverse("candidate:dossier"), CANDIDATE),
    "candidate:candidacy": (_candidacy_url("candidate:candidacy"), CANDIDATE),
    "candidate:memoir": (_candidacy_url("candidate:memoir"), CANDIDATE),
    "candidate:placement_attestation": (
        _placement_url("candidate:placement_attestation"),
        CANDIDATE,
    ),
    # A training candidacy: these pages say why the VAE uploads are closed (200).
    "candidate:admissibility": (_candidacy_url("candidate:admissibility"), CANDIDATE),
    "candidate:validation_file": (_candidacy_url("candidate:validation_file"), CANDIDATE),
    "partner:candidacies": (lambda ctx: reverse("partner:candidacies"), PARTNER),
    "partner:candidacy": (_candidacy_url("partner:candidacy"), PARTNER),
    "partner:placement_attestation": (_placement_url("partner:placement_attestation"), PARTNER),
}
