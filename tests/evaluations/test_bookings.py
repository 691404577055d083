"""No double booking: a juror, or a room, in two overlapping sittings of ANY session of the
certifier is refused with a French message naming the person or room, both times and both
sessions; checked on slot creation and edit, on juror assignment (panel member, assessors
chosen per slot), on a session's move, and when the panel is confirmed."""

from datetime import date

import pytest

from acquis.audit.models import AuditEvent
from acquis.evaluations import planning, services, sessions
from acquis.evaluations.exceptions import EvaluationError
from acquis.evaluations.models import EvaluationSession, JurorProfile, Slot
from tests import evaluation_factories as ef
from tests.conftest import module_world

pytestmark = pytest.mark.django_db
DAY = date(2027, 1, 12)
OTHER_DAY = date(2027, 1, 19)
TODAY = date(2026, 12, 1)


def _build(version):
    certifier = version.certification.owner
    anne = ef.juror(certifier, version, represents=True, first_name="Anne", last_name="Durand")
    paul = ef.juror(certifier, version, first_name="Paul", last_name="Martin")
    rita = ef.juror(certifier, version, represents=True, first_name="Rita", last_name="Roux")
    marc = ef.juror(certifier, version, first_name="Marc", last_name="Petit")
    first = ef.session(version, on=DAY, title="Session A", jurors=[anne, paul])
    slot = ef.slot(first, ef.started_candidacy(version), "E1", "14:00", minutes=60, room="B")
    return {
        "version": version.pk,
        "jurors": {"anne": anne.pk, "paul": paul.pk, "rita": rita.pk, "marc": marc.pk},
        "first": first.pk,
        "slot": slot.pk,
        "candidacies": [ef.started_candidacy(version).pk for _ in range(3)],
    }


world = module_world(_build)


@pytest.fixture
def w(world):
    from acquis.candidates.models import Candidacy
    from acquis.referential.models import CertificationVersion

    jurors = {k: JurorProfile.objects.get(pk=v) for k, v in world["jurors"].items()}
    return {
        "version": CertificationVersion.objects.get(pk=world["version"]),
        "first": EvaluationSession.objects.get(pk=world["first"]),
        "slot": Slot.objects.get(pk=world["slot"]),
        "candidacies": [Candidacy.objects.get(pk=pk) for pk in world["candidacies"]],
        **jurors,
    }


def _second(w, *, jurors, on=DAY, title="Session B"):
    return ef.session(w["version"], on=on, title=title, jurors=jurors)


def test_a_juror_of_another_session_is_refused_with_both_times_and_sessions(w):
    second = _second(w, jurors=[w["anne"], w["marc"]])
    with pytest.raises(EvaluationError) as caught:
        ef.slot(second, w["candidacies"][0], "E1", "14:30", minutes=60, room="C")
    message = caught.value.message
    assert (
        "Anne Durand siège déjà de 14:00 à 15:00 le 12/01/2027 (session « Session A », salle B)"
        in message
    )
    assert "ce créneau irait de 14:30 à 15:30 le 12/01/2027 (session « Session B », salle C)" in (
        message
    )
    assert "Marc" not in message  # only the juror booked twice is named
    assert not second.slots.exists()  # no partial write
    # Right after the other sitting: accepted.
    ef.slot(second, w["candidacies"][0], "E1", "15:00", minutes=60, room="C")


def test_a_room_is_refused_at_the_same_place_only(w):
    second = _second(w, jurors=[w["rita"], w["marc"]])
    with pytest.raises(EvaluationError) as caught:
        ef.slot(second, w["candidacies"][0], "E1", "14:15", minutes=30, room="b")
    assert (
        "La salle B (OPS Conseil, Bron) est déjà occupée de 14:00 à 15:00 le 12/01/2027 "
        "(session « Session A », salle B)" in caught.value.message
    )
    elsewhere = _second(w, jurors=[w["rita"], w["marc"]], title="Session Lyon")
    elsewhere.place = "Lyon"
    elsewhere.save(update_fields=["place"])
    ef.slot(elsewhere, w["candidacies"][1], "E1", "14:15", minutes=30, room="B")


def test_assessors_chosen_per_slot_avoid_the_clash_and_are_kept_at_confirmation(w):
    second = _second(w, jurors=[w["anne"], w["paul"], w["rita"], w["marc"]])
    slot = ef.slot(
        second,
        w["candidacies"][0],
        "E1",
        "14:30",
        minutes=60,
        assessors=[w["rita"], w["marc"]],
    )
    assert slot.assessors_chosen
    services.confirm_panel(second)
    assert set(slot.assessors.values_list("pk", flat=True)) == {w["rita"].pk, w["marc"].pk}
    event = AuditEvent.objects.for_object(slot).get(verb="slot.scheduled")
    assert sorted(event.payload["assessors"]) == sorted([w["rita"].pk, w["marc"].pk])


def test_a_chosen_assessor_must_be_on_the_panel(w):
    second = _second(w, jurors=[w["rita"], w["marc"]])
    with pytest.raises(EvaluationError) as caught:
        ef.slot(second, w["candidacies"][0], "E1", "09:00", assessors=[w["anne"]])
    assert caught.value.field == "assessors"
    assert "Anne Durand ne fait pas partie du jury de la session" in caught.value.message


def test_adding_a_panel_member_booked_elsewhere_is_refused(w):
    second = _second(w, jurors=[w["rita"], w["marc"]])
    ef.slot(second, w["candidacies"][0], "E1", "14:30", minutes=60)
    with pytest.raises(EvaluationError) as caught:
        services.add_panel_member(second, w["paul"])
    assert caught.value.message.startswith("Paul Martin non ajouté(e) au jury : Paul Martin ")
    assert "siège déjà de 14:00 à 15:00 le 12/01/2027 (session « Session A »" in (
        caught.value.message
    )
    assert not second.panel.filter(juror=w["paul"]).exists()


def test_moving_a_session_onto_a_booked_day_is_refused(w):
    second = _second(w, jurors=[w["paul"], w["rita"]], on=OTHER_DAY)
    ef.slot(second, w["candidacies"][0], "E1", "14:45", minutes=30)
    with pytest.raises(EvaluationError) as caught:
        sessions.update_session(
            second, title="Session B", on=DAY, place="OPS Conseil, Bron", today=TODAY
        )
    assert caught.value.field == "on"
    assert "Paul Martin siège déjà de 14:00 à 15:00 le 12/01/2027" in caught.value.message
    second.refresh_from_db()
    assert second.date == OTHER_DAY
    assert second.slots.get().starts_at.date() == OTHER_DAY
    assert not AuditEvent.objects.for_object(second).filter(verb="session.updated").exists()


def test_editing_a_slot_checks_bookings_and_is_audited(w):
    second = _second(w, jurors=[w["anne"], w["paul"], w["rita"], w["marc"]])
    slot = ef.slot(
        second, w["candidacies"][0], "E1", "16:00", minutes=60, assessors=[w["rita"], w["marc"]]
    )
    with pytest.raises(EvaluationError) as caught:
        planning.update_slot(
            slot,
            starts_at=ef.at(DAY, "14:30"),
            duration_minutes=60,
            assessors=[w["anne"], w["marc"]],
        )
    assert "Anne Durand siège déjà de 14:00 à 15:00" in caught.value.message
    slot.refresh_from_db()
    assert slot.starts_at == ef.at(DAY, "16:00")
    planning.update_slot(slot, starts_at=ef.at(DAY, "14:30"), duration_minutes=60, room="D")
    slot.refresh_from_db()
    assert (slot.starts_at, slot.room) == (ef.at(DAY, "14:30"), "D")
    event = AuditEvent.objects.for_object(slot).get(verb="slot.updated")
    assert event.payload["changes"]["room"] == ["", "D"]
    assert event.payload["changes"]["starts_at"][1] == "2027-01-12T14:30:00+01:00"
