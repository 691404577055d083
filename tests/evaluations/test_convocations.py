"""Convocations: emails with a calendar file, idempotent sending, printable content."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from acquis.audit.models import AuditEvent
from acquis.candidates import services as candidate_services
from acquis.candidates.enums import AccommodationKind
from acquis.evaluations import convocations, services
from acquis.evaluations.convocations import juror_calendar, send_convocations, slot_calendar
from acquis.evaluations.enums import ConflictKind, SessionStatus
from acquis.evaluations.exceptions import EvaluationError
from acquis.evaluations.models import PanelMember, Slot
from tests import evaluation_factories as ef
from tests import factories

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 15)


@pytest.fixture
def manager(personas):
    return personas["responsable_epreuves"]


@pytest.fixture
def accommodated(ops_version):
    candidacy = ef.started_candidacy(ops_version)
    candidate_services.add_accommodation(
        candidacy, kind=AccommodationKind.EXTRA_TIME, extra_minutes=20
    )
    candidate_services.add_accommodation(
        candidacy, kind=AccommodationKind.ACCESSIBLE_ROOM, details="Rez-de-chaussée"
    )
    return candidacy


@pytest.fixture
def confirmed(ops_version, accommodated, manager):
    session = ef.session(ops_version, on=DAY)
    ef.slot(session, accommodated, "E1", "09:00", minutes=60, room="12")
    ef.slot(session, ef.started_candidacy(ops_version), "E2", "11:00", minutes=45)
    services.confirm_panel(session)
    return session


def _events(ics: bytes):
    calendar = Calendar.from_ical(ics)
    return calendar, [c for c in calendar.walk("VEVENT")]


def test_convocations_wait_for_a_confirmed_panel(ops_version, accommodated, manager):
    session = ef.session(ops_version, on=DAY)
    ef.slot(session, accommodated)
    with pytest.raises(EvaluationError, match="le jury de la session doit d'abord être confirmé"):
        send_convocations(session, actor=manager)
    assert mail.outbox == []
    assert not Slot.objects.filter(convoked_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(verb="slot.convoked").exists()
    services.cancel_session(session, reason="Salle indisponible")
    with pytest.raises(EvaluationError, match="« Annulée »"):
        send_convocations(session, actor=manager)


def test_candidates_and_jurors_get_an_email_with_the_calendar(confirmed, accommodated, manager):
    summary = send_convocations(confirmed, actor=manager)
    assert (summary.candidates, summary.jurors, summary.without_email) == (2, 2, [])
    assert summary.message() == ("Convocations envoyées : 2 candidat(s), 2 membre(s) du jury.")
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 4
    slot = confirmed.slots.get(candidacy=accommodated)
    message = by_recipient[accommodated.candidate.email]
    assert message.subject == "Convocation : épreuve E1 le 15/12/2026 à 09:00"
    assert "de 09:00 à 10:20 (dont 20 min de temps supplémentaire" in message.body
    assert "Lieu : OPS Conseil, Bron, salle 12" in message.body
    assert "Salle accessible (Rez-de-chaussée)" in message.body
    assert "- L1 : Support synthétique présentant l'action" in message.body
    assert "au plus tard le 13 décembre 2026 à 23:59" in message.body
    assert reverse("candidate:convocation", args=[slot.pk]) in message.body
    assert "epreuves@test.fr" in message.body  # the exam manager is the contact
    ((name, content, mimetype),) = message.attachments
    assert name == "convocation.ics" and mimetype.startswith("text/calendar")
    _, (event,) = _events(content)
    assert str(event["uid"]) == convocations.candidate_uid(slot)
    juror_mail = by_recipient[confirmed.panel.first().juror.user.email]
    assert juror_mail.subject == "Convocation : jury d'évaluation du 15/12/2026"
    assert "09:00–10:20 : E1" in juror_mail.body and "(+20 min, aménagement)" in juror_mail.body
    assert reverse("jury:convocation", args=[confirmed.pk]) in juror_mail.body
    _, events = _events(juror_mail.attachments[0][1])
    assert len(events) == 2
    assert all(s.convoked_at for s in confirmed.slots.all())
    assert all(m.convoked_at for m in PanelMember.objects.filter(session=confirmed))
    assert AuditEvent.objects.filter(verb="slot.convoked").count() == 2
    assert AuditEvent.objects.filter(verb="session.juror_convoked").count() == 2


def test_sending_again_convokes_only_what_is_new(confirmed, ops_version, manager):
    send_convocations(confirmed, actor=manager)
    mail.outbox.clear()
    again = send_convocations(confirmed, actor=manager)
    assert again.sent == 0 and mail.outbox == []
    assert again.message() == "Aucune convocation à envoyer : toutes ont déjà été envoyées."
    late = ef.started_candidacy(ops_version)
    # A third member, linked to the new candidate: not their assessor, not convoked again.
    linked = ef.juror(confirmed.certifier, ops_version)
    services.reopen_panel(confirmed)
    services.add_panel_member(confirmed, linked)
    services.confirm_panel(confirmed)
    send_convocations(confirmed, actor=manager)
    mail.outbox.clear()
    services.declare_conflict(linked, candidate=late.candidate, kind=ConflictKind.COLLEAGUE)
    added = ef.slot(confirmed, late, "E1", "14:00", minutes=60)
    summary = send_convocations(confirmed, actor=manager)
    # The new candidate, and an updated convocation for the jurors who assess them.
    assert (summary.candidates, summary.jurors, summary.updated_jurors) == (1, 0, 2)
    assessors = [m.juror.user.email for m in confirmed.panel.exclude(juror=linked)]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([late.candidate.email, *assessors])
    update = next(m for m in mail.outbox if m.to[0] != late.candidate.email)
    assert update.subject.startswith("Convocation mise à jour")
    added.refresh_from_db()
    assert added.convoked_at is not None
    event = AuditEvent.objects.filter(verb="session.juror_convoked").last()
    assert event.payload["update"] is True and added.pk in event.payload["slots"]


def test_a_candidate_without_email_is_named_not_convoked(confirmed, ops_version, manager):
    nobody = factories.candidacy(
        ops_version,
        started=True,
        person=factories.candidate(ops_version.certification.owner, email=""),
    )
    slot = ef.slot(confirmed, nobody, "E1", "15:00")
    summary = send_convocations(confirmed, actor=manager)
    name = nobody.candidate.full_name
    assert summary.without_email == [f"{name} (E1)"]
    assert summary.candidates == 2
    assert f"Sans adresse électronique, non convoqué(s) : {name} (E1)" in summary.message()
    slot.refresh_from_db()
    assert slot.convoked_at is None


def test_the_slot_calendar_parses_back_in_paris_time_with_the_extra_time(confirmed, accommodated):
    slot = confirmed.slots.get(candidacy=accommodated)
    calendar, (event,) = _events(slot_calendar(slot))
    assert [c["tzid"] for c in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert str(start.tzinfo) == "Europe/Paris"
    assert (start.hour, start.minute) == (9, 0)
    assert end - start == timedelta(minutes=80)
    assert str(event["summary"]) == "Épreuve E1 — Information collective"
    assert str(event["location"]) == "OPS Conseil, Bron, salle 12"
    description = str(event["description"])
    assert "Temps supplémentaire (aménagement) : 20 min" in description
    assert "Livrables à déposer : L1 (Support synthétique présentant l'action)" in description
    assert str(event["status"]) == "CONFIRMED"
    # Stable UID: a second file updates the same event in the candidate's calendar.
    _, (again,) = _events(slot_calendar(slot))
    assert again["uid"] == event["uid"] == convocations.candidate_uid(slot)
    assert again["sequence"] == event["sequence"] == 0  # nothing changed: same revision


def test_the_juror_calendar_holds_only_the_slots_they_assess(ops_version, accommodated):
    certifier = ops_version.certification.owner
    rep = ef.juror(certifier, ops_version, represents=True)
    pro, second_pro = ef.juror(certifier, ops_version), ef.juror(certifier, ops_version)
    session = ef.session(ops_version, on=DAY, jurors=[rep, pro, second_pro])
    first = ef.slot(session, accommodated, "E1", "09:00")
    other = ef.started_candidacy(ops_version)
    second = ef.slot(session, other, "E1", "13:00")
    services.declare_conflict(pro, candidate=other.candidate, kind=ConflictKind.TRAINED)
    services.confirm_panel(session)
    _, events = _events(juror_calendar(session, pro))
    assert [str(e["uid"]) for e in events] == [convocations.juror_uid(first, pro)]
    assert "Temps supplémentaire : 20 min" in str(events[0]["description"])
    _, events = _events(juror_calendar(session, rep))
    assert [str(e["uid"]) for e in events] == [
        convocations.juror_uid(first, rep),
        convocations.juror_uid(second, rep),
    ]


def test_remote_sessions_say_so_and_a_juror_without_candidate_gets_the_day(ops_version):
    certifier = ops_version.certification.owner
    session = services.plan_session(
        certifier=certifier, version=ops_version, title="À distance", on=DAY, remote=True
    )
    juror = ef.juror(certifier, ops_version, represents=True)
    services.add_panel_member(session, juror)
    slot = ef.slot(session, ef.started_candidacy(ops_version), "E3", "10:00", minutes=30)
    assert convocations.where(slot) == "À distance"
    _, (event,) = _events(slot_calendar(slot))
    assert str(event["location"]) == "À distance"
    _, (day,) = _events(juror_calendar(session, juror))  # no assessor before confirmation
    assert day.decoded("dtstart") == DAY
    assert str(day["summary"]) == "Jury d'évaluation — À distance"


def test_printable_content_of_a_slot(confirmed, accommodated, manager, ops_version):
    slot = confirmed.slots.get(candidacy=accommodated)
    convocation = convocations.slot_convocation(slot)
    assert convocation.certification == ops_version.title
    assert (convocation.starts_at.strftime("%H:%M"), convocation.ends_at.strftime("%H:%M")) == (
        "09:00",
        "10:20",
    )
    assert [d.code for d in convocation.deliverables] == ["L1"]
    assert convocation.accommodations == [
        "Temps supplémentaire : 20 min",
        "Salle accessible (Rez-de-chaussée)",
    ]
    assert convocation.contact.people == [(manager.get_full_name() or manager.email, manager.email)]
    e3 = ef.slot(confirmed, ef.started_candidacy(ops_version), "E3", "15:00")
    assert convocations.slot_convocation(e3).deliverables_due_at is None  # nothing to hand in


def test_session_status_is_untouched_by_sending(confirmed, manager):
    send_convocations(confirmed, actor=manager)
    confirmed.refresh_from_db()
    assert confirmed.status == SessionStatus.PANEL_CONFIRMED
