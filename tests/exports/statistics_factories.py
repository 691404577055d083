"""Situations for the statistics tests, decided and signed through the real jury verbs.

`signed_world(version, partner)` builds, for the certifier of `version`:
- D1 (16/06/2025, certification jury): a total validation (training, cohort), a partial
  validation with 3 of 4 blocks (training, cohort, partner), a refusal (free candidate
  registered for B3 only, partner), a partial validation later corrected into a total
  one, and the first, partial validation (3 of 4) of a returning candidate;
- D2 (19/01/2026): the correction (total, every block validated: material error);
- D3 (09/03/2026): the returning candidate's new candidacy, evaluated on B3 only, the
  other blocks held from D1: a total validation deciding B3 alone;
- D4 (09/03/2026, VAE jury): a VAE partial validation (B4 not acquired);
- D5 (today, open): a decision recorded but not signed, which counts nowhere.
Cohort and partner are set on the candidacies directly: no verb moves a candidacy into a
cohort or a partner after registration, and the decisions do not depend on them.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from acquis.candidates import services as candidate_services
from acquis.candidates.models import Candidacy
from acquis.juries import corrections
from acquis.juries.enums import DecisionKind, DeliberationStatus, JuryKind
from acquis.juries.models import BlockDecision, Decision, Deliberation
from acquis.organisations.enums import OrganisationKind
from acquis.organisations.models import Organisation
from acquis.organisations.services import ensure_certifier
from acquis.referential.services import load_referential_file
from tests import factories
from tests.juries import factories as jf

D1 = date(2025, 6, 16)
D2 = date(2026, 1, 19)
D3 = date(2026, 3, 9)
B3_FAILED = ("C3.2.1",)
B4_FAILED = ("C4.1.1",)


@dataclass
class World:
    cohort: object
    partner: object
    total: Candidacy
    partial: Candidacy
    refused: Candidacy
    corrected: Candidacy
    returning_first: Candidacy
    returning_second: Candidacy
    vae: Candidacy
    unsigned: Candidacy
    registered: Candidacy
    deliberations: dict


def _place(candidacy, *, cohort=None, partner=None):
    Candidacy.objects.filter(pk=candidacy.pk).update(cohort=cohort, partner=partner)
    candidacy.refresh_from_db()
    return candidacy


def signed_world(version, partner) -> World:
    certifier = version.certification.owner
    cohort = candidate_services.create_cohort(
        certifier=certifier, version=version, name="Promotion Lyon 2025"
    )
    total = _place(jf.ready_candidacy(version), cohort=cohort)
    partial = _place(
        jf.ready_candidacy(version, not_acquired=B3_FAILED), cohort=cohort, partner=partner
    )
    refused = _place(
        jf.ready_candidacy(version, free=True, blocks=["B3"], not_acquired=B3_FAILED),
        partner=partner,
    )
    corrected = jf.ready_candidacy(version, not_acquired=B3_FAILED)
    returning_first = jf.ready_candidacy(version, not_acquired=B3_FAILED)
    d1 = jf.decided_and_signed(
        version, [total, partial, refused, corrected, returning_first], on=D1
    )

    old = corrected.decisions.get()
    d2 = jf.correction(old, on=D2)
    corrections.decide_correction(
        d2,
        corrected,
        correction_reason="Erreur matérielle : le bloc B3 était acquis (grille mal reportée).",
        blocks={"B1": True, "B2": True, "B3": True, "B4": True},
        kind="total",
        reason="Bloc B3 acquis après vérification des grilles.",
        actor=jf.member_users(d2)[0],
    )
    jf.sign_all(d2)

    returning_second = jf.new_candidacy(returning_first, evaluated_blocks=["B3"])
    d3 = jf.decided_and_signed(version, [returning_second], on=D3)
    vae = jf.ready_candidacy(version, vae=True, not_acquired=B4_FAILED)
    d4 = jf.decided_and_signed(version, [vae], on=D3, kind=JuryKind.VAE, title="Jury VAE")

    unsigned = jf.ready_candidacy(version, blocks=["B1"], memoir_oral=None, placement_days=0)
    d5 = jf.deliberation(version, [unsigned], on=timezone.localdate(), title="Jury ouvert")
    jf.decide_as_proposed(d5, unsigned)
    registered = factories.candidacy(version, vae=True)
    for candidacy in (total, partial, refused, corrected, returning_first, returning_second, vae):
        candidacy.refresh_from_db()
    return World(
        cohort=cohort,
        partner=partner,
        total=total,
        partial=partial,
        refused=refused,
        corrected=corrected,
        returning_first=returning_first,
        returning_second=returning_second,
        vae=vae,
        unsigned=unsigned,
        registered=registered,
        deliberations={"d1": d1, "d2": d2, "d3": d3, "d4": d4, "d5": d5},
    )


def signed_rows(version, certifier, count, *, on=D1, cohort_name=None):
    """`count` frozen decisions written directly (a total, a partial with B3 missing, a
    refusal, in turn) on a signed deliberation of `certifier`: the query count does not
    depend on how they were decided, and the verbs take seconds per candidacy."""
    deliberation = Deliberation.objects.create(
        certifier=certifier,
        version=version,
        kind=JuryKind.CERTIFICATION,
        title="Jury mesuré",
        date=on,
        place="Lyon",
        status=DeliberationStatus.SIGNED,
    )
    cohort = candidate_services.create_cohort(
        certifier=certifier,
        version=version,
        name=cohort_name or f"Promotion {certifier.pk}-{count}",
    )
    kinds = [DecisionKind.TOTAL, DecisionKind.PARTIAL, DecisionKind.REFUSED]
    block_list = list(version.blocks.order_by("position"))
    for index in range(count):
        candidacy = factories.candidacy(
            version, certifier=certifier, cohort=cohort if index % 2 else None
        )
        kind = kinds[index % 3]
        decision = Decision.objects.create(
            deliberation=deliberation,
            candidacy=candidacy,
            kind=kind,
            proposed_kind=kind,
            reason="" if kind == DecisionKind.TOTAL else "Motif.",
            deadline=date(2030, 6, 16) if kind == DecisionKind.PARTIAL else None,
            decided_at=timezone.now(),
            frozen=True,
        )
        BlockDecision.objects.bulk_create(
            BlockDecision(
                decision=decision,
                block=block,
                validated=kind == DecisionKind.TOTAL
                or (kind == DecisionKind.PARTIAL and block.code != "B3"),
                proposed=False,
            )
            for block in block_list
        )
    return deliberation


def world_fixture():
    """A module-scoped `world` fixture: `signed_world` is built once (about 20 s) inside a
    transaction held open for the module's tests, each of which runs in a savepoint (as
    usual), and rolled back at the end of the module: nothing is left in the database."""

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker, tmp_path_factory):
        atomic = transaction.atomic()
        with django_db_blocker.unblock():
            atomic.__enter__()
            try:
                with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
                    certifier = ensure_certifier(name="OPS Conseil")
                    version = load_referential_file(
                        Path(settings.ACQUIS_BUILTIN_REFERENTIAL), owner=certifier
                    ).version
                    partner = Organisation.objects.create(
                        kind=OrganisationKind.PARTNER,
                        name="Insertion Formation Rhône",
                        certifier=certifier,
                    )
                    built = signed_world(version, partner)
            except BaseException:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                raise
        yield built
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

    return world
