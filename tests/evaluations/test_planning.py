"""A session's timetable: slots, their assessors, accommodations, opening and closing."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from acquis.audit.models import AuditEvent
from acquis.candidates import services as candidate_services
from acquis.candidates.enums import AccommodationKind
from acquis.evaluations import planning, services
from acquis.evaluations.enums import ConflictKind, PanelRule, SessionStatus, SlotStatus
from acquis.evaluations.exceptions import EvaluationError
from tests import evaluation_factories as ef
from tests import factories

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 15)


@pytest.fixture
def planned(ops_version):
    return ef.session(ops_version, on=DAY)


def test_a_slot_takes_the_accommodated_extra_time(planned, ops_version):
    candidacy = ef.started_candidacy(ops_version)
    candidate_services.add_accommodation(
        candidacy, kind=AccommodationKind.EXTRA_TIME, extra_minutes=20
    )
    slot = ef.slot(planned, candidacy, "E1", "09:00", minutes=60)
    assert slot.extra_minutes == 20
    assert timezone.localtime(slot.ends_at).strftime("%H:%M") == "10:20"
    event = AuditEvent.objects.get(verb="slot.scheduled")
    assert event.payload["extra_minutes"] == 20


def test_slot_rules_are_refused_with_the_reason(planned, ops_version):
    candidacy = ef.started_candidacy(ops_version)
    ef.slot(planned, candidacy, "E1", "09:00", minutes=60)
    with pytest.raises(EvaluationError, match="déjà convoqué"):
        ef.slot(planned, candidacy, "E1", "14:00")
    with pytest.raises(EvaluationError, match="Chevauchement"):
        ef.slot(planned, candidacy, "E2", "09:30")
    with pytest.raises(EvaluationError, match="jour de la session"):
        planning.add_slot(
            planned,
            assessment=ops_version.assessments.get(code="E3"),
            candidacy=candidacy,
            starts_at=ef.at(DAY + timedelta(days=1), "09:00"),
            duration_minutes=30,
        )
    with pytest.raises(EvaluationError, match="Durée"):
        planning.add_slot(
            planned,
            assessment=ops_version.assessments.get(code="E3"),
            candidacy=candidacy,
            starts_at=ef.at(DAY, "15:00"),
        )
    vae = factories.candidacy(ops_version, vae=True, admissible=True)
    with pytest.raises(EvaluationError, match="ne concerne pas la voie"):
        ef.slot(planned, vae, "E1", "11:00")
    blocks_only = ef.started_candidacy(ops_version, blocks=["B2"])
    with pytest.raises(EvaluationError, match="blocs auxquels"):
        ef.slot(planned, blocks_only, "E1", "11:00")
    registered = factories.candidacy(ops_version)
    with pytest.raises(EvaluationError, match="ne peut pas être convoqué"):
        ef.slot(planned, registered, "E1", "11:00")


def test_final_orals_take_their_duration_from_the_referential(planned, ops_version):
    vae = factories.candidacy(ops_version, vae=True, admissible=True, file_complete=True)
    slot = planning.add_slot(
        planned,
        assessment=ops_version.assessments.get(code="E13"),
        candidacy=vae,
        starts_at=ef.at(DAY, "10:00"),
    )
    assert slot.duration_minutes == 30


def test_the_orals_come_after_their_written_piece(planned, ops_version, personas):
    manager = personas["responsable_epreuves"]
    training = ef.started_candidacy(ops_version)
    with pytest.raises(EvaluationError, match=r"Oral du mémoire \(E12\) : .* n'est pas déposé"):
        ef.slot(planned, training, "E12", "09:00", minutes=30)
    candidate_services.submit_memoir(training, upload=factories.pdf_upload("memoire.pdf"))
    for code in ("M1", "M2", "M3", "M4", "M5", "M6"):
        candidate_services.confirm_memoir_part(training, part_code=code, actor=manager)
    candidate_services.check_memoir_part(
        training, part_code="M7", present=False, reason="Pas d'analyse.", actor=manager
    )
    with pytest.raises(EvaluationError, match=r"à confirmer : M7\)"):
        ef.slot(planned, training, "E12", "09:00", minutes=30)
    candidate_services.confirm_memoir_part(training, part_code="M7", actor=manager)
    assert ef.slot(planned, training, "E12", "09:00", minutes=30).assessment.code == "E12"
    vae = factories.candidacy(ops_version, vae=True, admissible=True)
    candidate_services.submit_validation_file(vae, upload=factories.pdf_upload("dossier.pdf"))
    with pytest.raises(EvaluationError, match="n'a pas été déclaré complet"):
        ef.slot(planned, vae, "E13", "10:00", minutes=30)


def test_confirming_assigns_assessors_without_linked_jurors(planned, ops_version):
    candidacy = ef.started_candidacy(ops_version)
    slot = ef.slot(planned, candidacy)
    pro = planned.panel.get(juror__represents_certifier=False).juror
    services.declare_conflict(pro, candidate=candidacy.candidate, kind=ConflictKind.EMPLOYER)
    services.confirm_panel(planned)
    assert [j.pk for j in slot.assessors.all()] == [
        planned.panel.get(juror__represents_certifier=True).juror_id
    ]


def test_no_lawful_assessor_or_a_juror_in_two_places_refuses_the_panel(planned, ops_version):
    first, second = ef.started_candidacy(ops_version), ef.started_candidacy(ops_version)
    ef.slot(planned, first, "E1", "09:00", minutes=60)
    ef.slot(planned, second, "E1", "09:30", minutes=60)
    rep = planned.panel.get(juror__represents_certifier=True).juror
    services.declare_conflict(rep, candidate=first.candidate, kind=ConflictKind.TRAINED)
    with pytest.raises(EvaluationError) as exc:
        services.confirm_panel(planned)
    rules = [p.rule for p in exc.value.problems]
    assert PanelRule.SLOT_ASSESSOR in rules  # the representative is linked to `first`
    assert PanelRule.OVERLAP in rules  # both jurors on both slots at 09:30
    planned.refresh_from_db()
    assert planned.status == SessionStatus.PLANNED
    assert not planned.slots.filter(assessor_links__isnull=False).exists()


def test_open_on_the_day_and_close_when_every_slot_is_done(ops_version):
    candidacy = ef.started_candidacy(ops_version)
    session = ef.session(ops_version, on=DAY)
    slot = ef.slot(session, candidacy)
    services.confirm_panel(session)
    with pytest.raises(EvaluationError, match="jour même"):
        planning.open_session(session, today=DAY - timedelta(days=1))
    planning.open_session(session, today=DAY)
    assert session.status == SessionStatus.OPENED
    with pytest.raises(EvaluationError, match="1 créneau"):
        planning.close_session(session)
    planning.move_slot(slot, SlotStatus.ABSENT_EXCUSED, actor=None)
    planning.close_session(session)
    assert session.status == SessionStatus.CLOSED
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="session.").values_list("verb", flat=True)
    )
    assert verbs[-2:] == ["session.open", "session.close"]


def test_excused_absence_lets_the_candidate_be_convoked_again(ops_version):
    candidacy = ef.started_candidacy(ops_version)
    first_session, (slot,) = ef.opened_session(ops_version, [candidacy])
    planning.move_slot(slot, SlotStatus.ABSENT_EXCUSED, actor=None)
    later = ef.session(ops_version, on=first_session.date + timedelta(days=14), title="Rattrapage")
    again = ef.slot(later, candidacy)
    assert again.pk != slot.pk


def test_default_deliverables_deadline_is_two_days_before(planned):
    due = timezone.localtime(planned.deliverables_due_at)
    assert (due.date(), due.strftime("%H:%M")) == (DAY - timedelta(days=2), "23:59")
