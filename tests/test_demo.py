"""`make run`'s demo data: built through the services, idempotent, every situation present."""

import pytest
from django.core.management import call_command

from acquis.audit.services import verify_chain
from acquis.candidates.models import Candidacy, Candidate
from acquis.demo import build_demo
from acquis.evaluations.enums import PanelRule
from acquis.evaluations.models import EvaluationSession
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
    session = EvaluationSession.objects.get()
    problems = panel_problems(session)
    assert {p.rule for p in problems} == {PanelRule.EXPERIENCE, PanelRule.TRAINING}
    assert all(p.juror.user.email == "nouveau-jure@ops-conseil.demo" for p in problems)
    assert verify_chain().ok
