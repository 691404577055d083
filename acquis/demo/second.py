"""The demo's second certifier and its own title, beside OPS Conseil (see docs/nouveau-titre.md).

La Coopérative Numérique du Sud runs « Médiateur numérique en tiers-lieux » (data/, a
title shaped unlike the built-in one: two blocks, sittings across blocks, no work placement
nor memoir, juries of two external professionals), loaded and owned by it, with its own
settings (signatory, CDC identifiers) and its own signing keys. Its staff account sees only
its data. Built with the same verbs as tests/e2e/test_second_title.py: two professionals
assess the sittings and sit on the jury; Camille Sanchez obtains the title and Hugo Lemaire
blocks 1 only (signed PV, documents issued by a batch run to its end); Zoé Marin is in
training. Idempotent: nothing is built again once its cohort exists.
"""

import io
from datetime import date, timedelta
from pathlib import Path

from django.core.management import call_command

from acquis.candidates import services as dossiers
from acquis.candidates.enums import AccessMode, Pathway
from acquis.candidates.models import Cohort
from acquis.credentials import batches, certifier_keys
from acquis.demo.common import DemoLogin, pdf, user
from acquis.demo.juries import hold, prepare_jury, sign_minutes
from acquis.evaluations import services as evaluations
from acquis.juries import decisions, evidence
from acquis.juries.enums import JuryKind
from acquis.organisations.enums import Role
from acquis.organisations.models import CertifierProfile
from acquis.organisations.services import ensure_certifier
from acquis.referential import services as referential

REFERENTIAL = Path(__file__).parent / "data" / "cns-mediateur-numerique.yaml"
NAME = "Coopérative Numérique du Sud"
SIRET = "81234567800013"  # fictitious number that passes the SIRET key
ADDRESS = "12 place des Tisserands, 34000 Montpellier"
PLACE = "Tiers-lieu La Fabrique, Montpellier"
STRUCTURE = "Tiers-lieu La Fabrique"
COHORT = "Promotion Montpellier 2026"
STAFF = ("responsable@numerique-sud.demo", "Inès", "Garrigue", Role.EXAM_MANAGER)
PROFESSIONALS = [
    ("lina.vidal@numerique-sud.demo", "Lina", "Vidal"),
    ("marc.roux@numerique-sud.demo", "Marc", "Roux"),
]
# (birth name, first name, sex, born, situation)
PEOPLE = [
    ("Sanchez", "Camille", "F", date(1995, 6, 12), "total"),
    ("Lemaire", "Hugo", "M", date(1990, 2, 3), "partial"),
    ("Marin", "Zoé", "F", date(1999, 9, 25), "training"),
]
# Not shown at the sittings (criterion of C2.2): block 2 not acquired, block 1 is.
FAILED = {"C2.2.1"}


def build(*, today: date) -> list[DemoLogin]:
    cns = ensure_certifier(name=NAME, siret=SIRET, address=ADDRESS)
    version = referential.load_referential_file(REFERENTIAL, owner=cns).version
    manager = user(*STAFF[:3], cns, STAFF[3])
    logins = [DemoLogin(manager.email, f"{STAFF[3].label} ({NAME})")]
    if Cohort.objects.filter(certifier=cns, name=COHORT).exists():
        return logins
    # Its own signatory and CDC identifiers: the environment's (OPS Conseil's) never apply
    # to a second certifier (acquis/organisations/certifier_settings.py).
    CertifierProfile.objects.get_or_create(
        certifier=cns,
        defaults={
            "signatory_name": "Inès Garrigue",
            "signatory_title": "Présidente de la coopérative",
            "cdc_client_id": "C0NS0001",
            "cdc_contract_id": "CNS-2026-01",
        },
    )
    _own_keys(cns)
    panel = [_professional(cns, manager, *person) for person in PROFESSIONALS]
    cohort = dossiers.create_cohort(
        certifier=cns,
        version=version,
        name=COHORT,
        starts_on=today - timedelta(days=200),
        ends_on=today + timedelta(days=30),
        actor=manager,
    )
    ready = []
    for index, (birth_name, first, sex, born, situation) in enumerate(PEOPLE):
        candidate = dossiers.create_candidate(
            certifier=cns,
            data={
                "birth_name": birth_name,
                "first_name": first,
                "sex": sex,
                "birth_date": born,
                "birth_insee_code": "34172",
                "email": f"{first.lower().replace('é', 'e')}.{birth_name.lower()}@exemple.fr",
            },
            actor=manager,
        )
        candidacy = dossiers.register_candidacy(
            candidate=candidate,
            version=version,
            cohort=cohort,
            pathway=Pathway.TRAINING,
            access_mode=AccessMode.CONTINUING,
            actor=manager,
        )
        dossiers.move_candidacy(candidacy, "in_progress", actor=manager)
        if situation == "training":
            continue
        hold(
            candidacy,
            version,
            manager,
            codes=["S1", "S2"],
            panel=panel,
            on=today - timedelta(days=40 - 3 * index),
            failed=FAILED if situation == "partial" else (),
            place=PLACE,
        )
        dossiers.move_candidacy(candidacy, "awaiting_jury", actor=manager)
        candidacy.refresh_from_db()
        ready.append(candidacy)
    _jury(cns, version, manager, panel, ready, on=today - timedelta(days=20))
    return logins


def _own_keys(cns) -> None:
    """Its own PDF signing pair and badge key, made by the commands an operator runs; the
    installation's keys are OPS Conseil's."""
    quiet = io.StringIO()
    pair = certifier_keys.pdf_pair(cns)
    if not (pair.own and pair.key.is_file() and pair.cert.is_file()):
        call_command("credentials_key", certifier=str(cns.pk), stdout=quiet)
    if not certifier_keys.badge_key_file(cns).is_file():
        call_command("credentials", "keygen", "--certifier", str(cns.pk), stdout=quiet)


def _professional(cns, manager, email, first, last):
    """A professional of digital mediation, proof of experience given: assesses the
    sittings (no certifier representative) and sits on the juries."""
    return evaluations.record_juror(
        user=user(email, first, last, cns, Role.JUROR),
        certifier=cns,
        sector="numerique",
        role="médiateur numérique",
        years_experience=4,
        structure=STRUCTURE,
        proof=pdf("attestation-experience.pdf"),
        actor=manager,
    )


def _jury(cns, version, manager, panel, candidacies, *, on) -> None:
    """The certification jury (two external professionals): decides as the evidence
    proposes, signs its PV; the issuing batch runs to its end."""
    seats = [(p.user, "professional", True, STRUCTURE) for p in panel]
    jury = prepare_jury(
        cns,
        version,
        manager,
        kind=JuryKind.CERTIFICATION,
        title="Jury de certification — médiation numérique",
        on=on,
        seats=seats,
        candidacies=candidacies,
        place=PLACE,
    )
    chair = panel[0].user
    for candidacy in candidacies:
        proposal = evidence.gather_one(jury, candidacy).proposal
        partial = proposal.kind != "total"
        decisions.decide(
            jury,
            candidacy,
            blocks=dict(proposal.blocks),
            kind=proposal.kind,
            reason="Bloc 2 non acquis : le bilan d'activité (S2) n'a pas été produit."
            if partial
            else "",
            further_evidence="Repasser l'épreuve S2 lors d'une prochaine session."
            if partial
            else "",
            actor=chair,
        )
    sign_minutes(jury, manager, [p.user for p in panel])
    batch = batches.request_batch(jury, actor=manager, enqueue=False)
    batches.run(batch.pk)
