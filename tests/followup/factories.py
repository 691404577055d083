"""Decisions in force for the survey tests, written directly (a signed deliberation, frozen
decisions): the surveys read decisions, they do not depend on how they were reached (the
jury verbs are tested in tests/juries)."""

from datetime import UTC, date, datetime

from django.utils import timezone

from acquis.followup import services
from acquis.juries.enums import DecisionKind, DeliberationStatus, JuryKind
from acquis.juries.models import Decision, Deliberation
from tests import factories

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # the tests' clock: never today's date


def deliberation(version, certifier, on: date, kind=JuryKind.CERTIFICATION):
    return Deliberation.objects.create(
        certifier=certifier,
        version=version,
        kind=kind,
        title=f"Jury du {on:%d/%m/%Y}",
        date=on,
        place="Lyon",
        status=DeliberationStatus.SIGNED,
    )


def decided(delib, *, kind=DecisionKind.TOTAL, frozen=True, **candidacy_kw):
    candidacy = factories.candidacy(delib.version, delib.certifier, **candidacy_kw)
    return Decision.objects.create(
        deliberation=delib,
        candidacy=candidacy,
        kind=kind,
        proposed_kind=kind,
        title_awarded=kind == DecisionKind.TOTAL and candidacy.whole_title,
        reason="" if kind == DecisionKind.TOTAL else "Motif.",
        deadline=date(2030, 6, 16) if kind == DecisionKind.PARTIAL else None,
        decided_at=timezone.now(),
        frozen=frozen,
    )


def campaign(version, certifier, *, actor=None, **kw):
    values = {
        "title": "Enquête à 6 mois — 2025",
        "decided_from": date(2025, 1, 1),
        "decided_to": date(2025, 6, 30),
        "closes_on": date(2026, 4, 30),
        "delay_months": 6,
    } | kw
    return services.create_campaign(
        certifier=certifier,
        certification=version.certification,
        actor=actor,
        now=NOW,
        **values,
    )


EMPLOYED = {
    "situation": "employed",
    "helped": "a_lot",
    "job_title": "Conseillère en insertion",
    "targeted_job": "conseiller emploi",
    "contract_type": "permanent",
    "working_time": "full",
    "sector": "insertion",
}
