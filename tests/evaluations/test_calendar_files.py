"""Calendar files read by two independent parsers (icalendar, which writes them, and vobject):
ORGANIZER (required with METHOD PUBLISH and CANCEL, RFC 5546), UIDs on the installation's
domain, SEQUENCE growing with every change (calendars replace the event), METHOD CANCEL on
cancellation, sent to whoever was convoked."""

from datetime import date

import pytest
import vobject
from django.core import mail
from icalendar import Calendar

from acquis.evaluations import convocations, planning, services
from acquis.evaluations.convocations import juror_calendar, send_convocations, slot_calendar
from acquis.evaluations.models import Slot
from tests import evaluation_factories as ef

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 15)


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://acquis.ops-conseil.fr"


@pytest.fixture
def manager(personas):
    return personas["responsable_epreuves"]


@pytest.fixture
def confirmed(ops_version, manager):
    session = ef.session(ops_version, on=DAY)
    ef.slot(session, ef.started_candidacy(ops_version), "E1", "09:00", minutes=60, room="12")
    services.confirm_panel(session)
    return session


def _attendees(event) -> list[str]:
    found = event.get("attendee")
    if found is None:
        return []
    return [str(a) for a in found] if isinstance(found, list) else [str(found)]


def read(ics: bytes | str) -> list[dict]:
    """Each event as both parsers read it; their readings must agree."""
    ours = Calendar.from_ical(ics)
    theirs = vobject.readOne(ics.decode("utf-8") if isinstance(ics, bytes) else ics)
    events = []
    for event, other in zip(ours.walk("VEVENT"), theirs.vevent_list, strict=True):
        reading = {
            "method": str(ours["method"]),
            "uid": str(event["uid"]),
            "sequence": int(event["sequence"]),
            "organizer": str(event["organizer"]),
            "organizer_cn": str(event["organizer"].params["CN"]),
            "status": str(event.get("status", "")),
            "attendees": _attendees(event),
            "location": str(event.get("location", "")),
        }
        assert reading == {
            "method": theirs.method.value,
            "uid": other.uid.value,
            "sequence": int(other.sequence.value),
            "organizer": other.organizer.value,
            "organizer_cn": other.organizer.params["CN"][0],
            "status": other.status.value if hasattr(other, "status") else "",
            "attendees": [a.value for a in getattr(other, "attendee_list", [])],
            "location": other.location.value if hasattr(other, "location") else "",
        }
        events.append(reading)
    return events


def test_every_file_has_an_organizer_and_uids_of_this_installation(confirmed):
    slot = confirmed.slots.get()
    files = [slot_calendar(slot)] + [
        juror_calendar(confirmed, member.juror) for member in confirmed.panel.all()
    ]
    for ics in files:
        for event in read(ics):
            assert event["method"] == "PUBLISH"
            assert event["organizer"] == "mailto:epreuves@test.fr"  # the exam manager
            assert event["organizer_cn"] == "OPS Conseil"
            assert event["uid"].endswith("@acquis.ops-conseil.fr")
            assert event["attendees"] == []  # PUBLISH names no attendee (RFC 5546 §3.2.1)
    uids = [e["uid"] for ics in files for e in read(ics)]
    assert len(set(uids)) == len(uids)  # the candidate's and each juror's event differ


def test_the_sequence_grows_with_every_change_and_only_then(confirmed, manager):
    slot = confirmed.slots.get()
    (first,) = read(slot_calendar(slot))
    (again,) = read(slot_calendar(slot))
    assert first["sequence"] == again["sequence"] == 0
    Slot.objects.filter(pk=slot.pk).update(room="14")  # moved (e.g. in the administration)
    slot.refresh_from_db()
    (moved,) = read(slot_calendar(slot))
    assert moved["sequence"] == 1 and moved["location"] == "OPS Conseil, Bron, salle 14"
    assert moved["uid"] == first["uid"]
    planning.cancel_slot(slot, reason="Salle indisponible", actor=manager)
    slot.refresh_from_db()
    (cancelled,) = read(slot_calendar(slot))
    assert cancelled["sequence"] == 2 and cancelled["uid"] == first["uid"]
    assert cancelled["method"] == "CANCEL" and cancelled["status"] == "CANCELLED"
    candidate = slot.candidacy.candidate.email
    assert cancelled["attendees"] == [f"mailto:{candidate}"]


def test_a_cancelled_slot_sends_the_cancellation_to_whoever_was_convoked(confirmed, manager):
    slot = confirmed.slots.get()
    send_convocations(confirmed, actor=manager)
    sent = {m.to[0]: read(m.attachments[0][1])[0] for m in mail.outbox}
    mail.outbox.clear()
    planning.cancel_slot(slot, reason="Salle indisponible", actor=manager)
    assert {m.to[0] for m in mail.outbox} == set(sent)  # the candidate and both assessors
    for message in mail.outbox:
        assert message.subject == "Annulation : épreuve E1 du 15/12/2026 à 09:00"
        assert "est annulée" in message.body and "Motif : Salle indisponible" in message.body
        name, content, mimetype = message.attachments[0]
        assert name == "annulation.ics" and "method=CANCEL" in mimetype
        (event,) = read(content)
        before = sent[message.to[0]]
        assert event["method"] == "CANCEL" and event["status"] == "CANCELLED"
        assert event["uid"] == before["uid"] and event["sequence"] == before["sequence"] + 1
        assert event["attendees"] == [f"mailto:{message.to[0]}"]


def test_a_slot_never_convoked_is_cancelled_without_email(confirmed, manager):
    planning.cancel_slot(confirmed.slots.get(), reason="Désistement", actor=manager)
    assert mail.outbox == []


def test_the_jurors_day_is_cancelled_once_they_have_candidates(ops_version):
    session = ef.session(ops_version, on=DAY)
    juror = session.panel.first().juror
    (day,) = read(juror_calendar(session, juror))
    assert day["status"] == "CONFIRMED" and day["uid"].startswith("jury-session-")
    ef.slot(session, ef.started_candidacy(ops_version), "E1", "09:00")
    services.confirm_panel(session)
    events = read(juror_calendar(session, juror))
    by_uid = {e["uid"]: e for e in events}
    assert by_uid[day["uid"]]["status"] == "CANCELLED"
    assert by_uid[day["uid"]]["sequence"] == 1
    assert convocations.juror_uid(session.slots.get(), juror) in by_uid


def test_a_jurors_convocation_and_calendar_cost_the_same_queries_for_any_number_of_slots(
    ops_version, django_assert_max_num_queries
):
    """Accommodations are fetched for all the juror's slots at once, not slot by slot."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from acquis.candidates import services as candidate_services
    from acquis.candidates.enums import AccommodationKind

    def costs(count: int) -> tuple[int, int]:
        session = ef.session(ops_version, on=DAY)
        for i in range(count):
            candidacy = ef.started_candidacy(ops_version)
            candidate_services.add_accommodation(
                candidacy, kind=AccommodationKind.EXTRA_TIME, extra_minutes=10 + i
            )
            ef.slot(session, candidacy, "E1", f"{9 + i:02d}:00", minutes=45)
        services.confirm_panel(session)
        juror = session.panel.first().juror
        with CaptureQueriesContext(connection) as page:
            convocation = convocations.juror_convocation(session, juror)
        with CaptureQueriesContext(connection) as ics:
            read(juror_calendar(session, juror))
        assert len(convocation.slots) == count
        assert all(slot.measures for slot in convocation.slots)
        return len(page), len(ics)

    assert costs(1) == costs(4)
