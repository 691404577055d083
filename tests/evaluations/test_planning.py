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


def test_the_training_sequence_keeps_its_30_minutes_and_the_tool_presentation_follows(
    planned, ops_version
):
    """E10 (C4.3–C4.5): "A la suite de l'animation d'une séquence de formation de 30 mn, le
    candidat présente ses modalités et son outil d'évaluation": two timed parts, the first
    fixed by the source, the second taking the rest of the slot; extra time only adds."""
    candidacy = ef.started_candidacy(ops_version)
    candidate_services.add_accommodation(
        candidacy, kind=AccommodationKind.EXTRA_TIME, extra_minutes=20
    )
    slot = ef.slot(planned, candidacy, "E10", "09:00", minutes=45)
    assert [(p["code"], p["minutes"], p["fixed"]) for p in slot.parts] == [
        ("P1", 30, 30),
        ("P2", 15, None),
    ]
    times = [
        (timezone.localtime(p["starts_at"]), timezone.localtime(p["ends_at"]))
        for p in slot.part_times
    ]
    assert [f"{a:%H:%M}–{b:%H:%M}" for a, b in times] == ["09:00–09:30", "09:30–09:45"]
    assert timezone.localtime(slot.ends_at).strftime("%H:%M") == "10:05"  # +20 min after
    event = AuditEvent.objects.get(verb="slot.scheduled")
    assert event.payload["parts"] == {"P1": 30, "P2": 15}


@pytest.mark.parametrize(
    ("code", "minutes", "parts", "message"),
    [
        ("E10", 25, None, "25 minutes ne laissent aucun temps pour « Présentation"),
        ("E10", 30, None, "indiquez plus de 30 minutes"),
        ("E10", None, None, "le référentiel ne fixe pas la durée de « Présentation"),
        ("E10", 45, {"P1": 20}, "« Animation d'une séquence de formation » : 20 minutes, moins"),
        ("E12", 20, None, "20 minutes, moins que les 30 minutes que le référentiel fixe"),
    ],
)
def test_a_duration_the_source_fixes_is_never_shortened(
    planned, ops_version, code, minutes, parts, message
):
    candidacy = ef.started_candidacy(ops_version)
    factories.memoir_checked(candidacy)  # the memoir oral needs its memoir checked first
    with pytest.raises(EvaluationError, match=message):
        planning.add_slot(
            planned,
            assessment=ops_version.assessments.get(code=code),
            candidacy=candidacy,
            starts_at=ef.at(DAY, "09:00"),
            duration_minutes=minutes,
            part_minutes=parts,
        )
    assert not planned.slots.exists()
    # A longer oral or a longer part is allowed: only shortening departs from the source.
    longer = planning.add_slot(
        planned,
        assessment=ops_version.assessments.get(code="E10"),
        candidacy=candidacy,
        starts_at=ef.at(DAY, "09:00"),
        duration_minutes=50,
        part_minutes={"P1": 35},
    )
    assert [p["minutes"] for p in longer.parts] == [35, 15]


def test_the_deliverables_deadline_is_the_referentials_practice(ops_version, certifier):
    session = services.plan_session(
        certifier=certifier, version=ops_version, title="S", on=DAY, remote=True
    )
    due = timezone.localtime(session.deliverables_due_at)
    assert due.strftime("%d/%m/%Y %H:%M") == "13/12/2026 23:59"
    rules = {"deliverables_deadline": {"days_before": 5, "time": "12:00"}}
    other = timezone.localtime(planning.default_deliverables_due(DAY, rules))
    assert other.strftime("%d/%m/%Y %H:%M") == "10/12/2026 12:00"


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
    # The representative alone would assess this candidate: refused, as for the panel.
    with pytest.raises(EvaluationError) as exc:
        services.confirm_panel(planned)
    (problem,) = exc.value.problems
    assert problem.rule == PanelRule.SLOT_ASSESSOR
    assert "0 professionnel(s) du secteur sans lien avec le candidat, 1 exigé(s)" in problem.message
    other = ef.juror(planned.certifier, ops_version)
    services.add_panel_member(planned, other)
    services.confirm_panel(planned)
    representative = planned.panel.get(juror__represents_certifier=True).juror_id
    assert sorted(j.pk for j in slot.assessors.all()) == sorted([representative, other.pk])


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
