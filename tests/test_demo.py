"""`make run`'s demo data: built through the services, idempotent, every situation present."""

import pytest
from django.core.management import call_command

from acquis.audit.services import verify_chain
from acquis.candidates.models import Candidacy, Candidate
from acquis.demo import build_demo
from acquis.evaluations.enums import GridStatus, PanelRule, SessionStatus, SlotStatus
from acquis.evaluations.models import (
    CompetencyResult,
    ConsolidatedMark,
    DeliverableSubmission,
    EvaluationSession,
    Grid,
)
from acquis.evaluations.services import panel_problems
from acquis.referential.models import CertificationVersion

pytestmark = pytest.mark.django_db


def test_demo_is_complete_and_idempotent(capsys):
    call_command("demo")
    first = capsys.readouterr().out
    assert "admin@ops-conseil.demo" in first and "Mot de passe" in first
    build_demo()
    assert CertificationVersion.objects.count() == 1
    assert Candidate.objects.count() == 12
    statuses = set(Candidacy.objects.values_list("status", flat=True))
    assert {
        "registered",
        "in_progress",
        "admissibility_pending",
        "not_admissible",
        "validation_file_submitted",
        "awaiting_jury",
        "withdrawn",
    } <= statuses
    assert Candidacy.objects.filter(partner__isnull=False).count() == 2
    assert Candidacy.objects.filter(accommodations__isnull=False).count() == 2
    assert Candidate.objects.get(birth_name="Moreau").user.is_active
    upcoming = EvaluationSession.objects.get(status=SessionStatus.PLANNED)
    problems = panel_problems(upcoming)
    assert {p.rule for p in problems} == {PanelRule.EXPERIENCE, PanelRule.TRAINING}
    assert all(p.juror.user.email == "nouveau-jure@ops-conseil.demo" for p in problems)
    assert upcoming.slots.count() == 3
    # The past session: closed, fully graded, with a divergence and an excused absence.
    past = EvaluationSession.objects.get(status=SessionStatus.CLOSED)
    assert set(past.slots.values_list("status", flat=True)) == {
        SlotStatus.CONSOLIDATED,
        SlotStatus.ABSENT_EXCUSED,
    }
    assert ConsolidatedMark.objects.filter(
        consolidation__slot__session=past, divergent=True
    ).exists()
    assert not Grid.objects.filter(slot__session=past, status=GridStatus.DRAFT).exists()
    assert CompetencyResult.objects.filter(acquired=False).exists()  # Chloé Rousseau, C1.1
    assert DeliverableSubmission.objects.filter(slot__session=past).count() == 4
    # Today's session: opened, the demo juror has a grid in progress.
    held = EvaluationSession.objects.get(status=SessionStatus.OPENED)
    assert Grid.objects.filter(
        slot__session=held, juror__user__email="jure@ops-conseil.demo", status=GridStatus.DRAFT
    ).exists()
    assert not held.slots.filter(convoked_at__isnull=True).exists()
    assert verify_chain().ok
