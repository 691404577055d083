"""The exam manager's timetable: slots, cancellation, convocations, opening, closing,
completion follow-up, and the slot page with its incidents (test client)."""

from datetime import date, timedelta
from html import unescape

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from acquis.candidates import services as candidate_services
from acquis.candidates.enums import AccommodationKind
from acquis.evaluations import planning, services
from acquis.evaluations.enums import ConflictKind, IncidentKind, SessionStatus, SlotStatus
from acquis.evaluations.incidents import record_incident
from acquis.evaluations.models import Incident, Slot
from tests import evaluation_factories as ef
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
DAY = date(2026, 12, 15)


@pytest.fixture
def manager_client(client, personas):
    client.login(email=personas["responsable_epreuves"].email, password=PASSWORD)
    return client


@pytest.fixture
def planned(ops_version):
    return ef.session(ops_version, on=DAY)


@pytest.fixture
def accommodated(ops_version):
    candidacy = ef.started_candidacy(ops_version)
    candidate_services.add_accommodation(
        candidacy, kind=AccommodationKind.EXTRA_TIME, extra_minutes=20
    )
    candidate_services.add_accommodation(
        candidacy, kind=AccommodationKind.ASSISTIVE_EQUIPMENT, details="Clavier adapté"
    )
    return candidacy


def _html(response) -> str:
    assert response.status_code == 200
    return unescape(response.content.decode())


def _action(session, slug):
    return reverse("staff:session_action", args=[session.pk, slug])


def _slot_data(session, candidacy, code="E1", start="09:00", **overrides):
    data = {
        "assessment": session.version.assessments.get(code=code).pk,
        "candidacy": candidacy.pk,
        "start": start,
        "duration_minutes": "60",
        "room": "Salle 2",
    }
    return data | overrides


def test_add_a_slot_shows_the_accommodated_time_and_measures(manager_client, planned, accommodated):
    html = _html(manager_client.get(reverse("staff:session", args=[planned.pk])))
    assert "Aucun créneau n'est encore prévu." in html
    assert "E12 : 30 min" in html  # the referential's fixed durations are hinted
    assert "Durées fixées par le référentiel, jamais raccourcies" in html
    response = manager_client.post(_action(planned, "creneau"), _slot_data(planned, accommodated))
    assert response.url == reverse("staff:session", args=[planned.pk])
    slot = Slot.objects.get()
    assert (slot.duration_minutes, slot.extra_minutes, slot.room) == (60, 20, "Salle 2")
    assert timezone.localtime(slot.starts_at).strftime("%d/%m/%Y %H:%M") == "15/12/2026 09:00"
    html = _html(manager_client.get(response.url))
    name = accommodated.candidate.full_name
    assert f"Créneau ajouté : E1 de {name}, 09:00–10:20 (+20 min d'aménagement)." in html
    assert "09:00–10:20" in html and "+20 min (aménagement)" in html
    assert "Matériel adapté (Clavier adapté)" in html
    assert "À désigner (à la confirmation du jury)" in html
    assert "Non envoyée" in html


def test_add_slot_refusals_are_explained(manager_client, planned, accommodated, ops_version):
    url = _action(planned, "creneau")
    html = _html(manager_client.post(url, _slot_data(planned, accommodated, start="")))
    assert 'id="id_creneau_start_error"' in html
    html = _html(manager_client.post(url, _slot_data(planned, accommodated, duration_minutes="")))
    assert 'role="alert"' in html
    assert (
        "Créneau non ajouté : Durée : le référentiel ne fixe pas la durée de l'épreuve E1, "
        "indiquez-la." in html
    )
    manager_client.post(url, _slot_data(planned, accommodated))
    html = _html(manager_client.post(url, _slot_data(planned, accommodated, code="E2")))
    assert "Créneau non ajouté : Chevauchement" in html
    assert Slot.objects.count() == 1
    # With a confirmed panel, a candidate linked to every juror has no lawful assessor.
    services.confirm_panel(planned)
    linked = ef.started_candidacy(ops_version)
    for member in planned.panel.all():
        services.declare_conflict(
            member.juror, candidate=linked.candidate, kind=ConflictKind.TRAINED
        )
    html = _html(manager_client.post(url, _slot_data(planned, linked, start="14:00")))
    assert "Créneau non ajouté." in html
    assert "<strong>Chaque candidat a des évaluateurs sans lien avec lui</strong>" in html
    assert Slot.objects.count() == 1


def test_the_training_sequence_is_planned_in_two_timed_parts(manager_client, planned, accommodated):
    html = _html(manager_client.get(reverse("staff:session", args=[planned.pk])))
    assert "E10 — Animation d'une séquence de formation (30 min + durée à fixer)" in html
    assert (
        "E10 : animation d'une séquence de formation 30 min, puis présentation des modalités "
        "et de l'outil d'évaluation de la séquence durée à fixer"
    ) in html
    url = _action(planned, "creneau")
    html = _html(
        manager_client.post(url, _slot_data(planned, accommodated, "E10", duration_minutes="25"))
    )
    assert "Créneau non ajouté : Durée : 25 minutes ne laissent aucun temps pour" in html
    assert "« Animation d'une séquence de formation » : 30 minutes fixées" in html
    assert not Slot.objects.exists()
    manager_client.post(url, _slot_data(planned, accommodated, "E10", duration_minutes="45"))
    html = _html(manager_client.get(reverse("staff:session", args=[planned.pk])))
    assert "09:00–10:05" in html and "+20 min (aménagement)" in html
    assert (
        "09:00–09:30 : Animation d'une séquence de formation (30 min, durée fixée par le "
        "référentiel)" in html
    )
    assert (
        "09:30–09:45 : Présentation des modalités et de l'outil d'évaluation de la séquence "
        "(15 min)" in html
    )
    slot = Slot.objects.get()
    convocation = _html(manager_client.get(reverse("staff:slot_convocation", args=[slot.pk])))
    assert "09:30–09:45 : Présentation des modalités" in convocation


def test_cancel_a_slot_with_a_reason(manager_client, planned, accommodated, ops_version):
    slot = ef.slot(planned, accommodated)
    kept = ef.slot(planned, ef.started_candidacy(ops_version), "E1", "11:00")
    url = _action(planned, "annuler-creneau")
    html = _html(manager_client.post(url, {"slot": slot.pk, "reason": ""}))
    assert 'id="id_annulation_reason_error"' in html
    response = manager_client.post(url, {"slot": slot.pk, "reason": "Désistement"})
    assert response.status_code == 302
    slot.refresh_from_db()
    assert slot.status == SlotStatus.CANCELLED
    services.confirm_panel(planned)
    planning.open_session(planned, today=DAY)
    # An opened session: no more cancellation (the form is gone; a forged POST is refused).
    html = _html(manager_client.post(url, {"slot": kept.pk, "reason": "Trop tard"}))
    assert (
        "Créneau non annulé : Un créneau d'une session ouverte ne s'annule pas : "
        "saisissez un incident." in html
    )
    assert "Annuler le créneau" not in html
    kept.refresh_from_db()
    assert kept.status == SlotStatus.SCHEDULED


def test_send_convocations_open_and_close_from_the_session_page(
    manager_client, ops_version, accommodated
):
    today = timezone.localdate()
    session = ef.session(ops_version, on=today)
    slot = ef.slot(session, accommodated)
    html = _html(manager_client.post(_action(session, "convoquer")))
    assert (
        "Convocations non envoyées : le jury de la session doit d'abord être confirmé "
        "(session « Planifiée »)." in html
    )
    assert mail.outbox == []
    services.confirm_panel(session)
    html = _html(manager_client.get(reverse("staff:session", args=[session.pk])))
    assert "3 convocation(s) restent à envoyer" in html
    # A session held today: its deliverables deadline has passed, the page asks first.
    asked = _html(manager_client.post(_action(session, "convoquer")))
    assert "Envoyer les convocations après la date limite des livrables ?" in asked
    assert mail.outbox == []
    response = manager_client.post(
        _action(session, "convoquer"), {"confirmation": "oui"}, follow=True
    )
    html = _html(response)
    assert "Convocations envoyées : 1 candidat(s), 2 membre(s) du jury." in html
    assert "Toutes les convocations ont été envoyées." in html
    assert len(mail.outbox) == 3
    assert "convoqué(e) le" in html
    html = _html(manager_client.post(_action(session, "cloturer")))
    assert "Session non clôturée : Action impossible : la session est « Jury confirmé »." in html
    html = _html(manager_client.post(_action(session, "ouvrir"), follow=True))
    assert "Session ouverte." in html
    session.refresh_from_db()
    assert session.status == SessionStatus.OPENED
    html = _html(manager_client.post(_action(session, "cloturer")))
    assert "Session non clôturée : 1 créneau(x) sans résultat consolidé ni incident." in html
    record_incident(slot, kind=IncidentKind.ABSENCE_EXCUSED, note="Malade", actor=None)
    html = _html(manager_client.post(_action(session, "cloturer"), follow=True))
    assert "Session clôturée." in html
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED


def test_a_session_cannot_open_before_its_day(manager_client, ops_version, accommodated):
    later = timezone.localdate() + timedelta(days=30)
    session = ef.session(ops_version, on=later)
    ef.slot(session, accommodated)
    services.confirm_panel(session)
    html = _html(manager_client.post(_action(session, "ouvrir")))
    assert (
        f"Session non ouverte : La session s'ouvre le jour même ({later:%d/%m/%Y}), pas avant."
        in html
    )
    session.refresh_from_db()
    assert session.status == SessionStatus.PANEL_CONFIRMED


def test_completion_follow_up(manager_client, ops_version, accommodated):
    other = ef.started_candidacy(ops_version)
    session, (first, second) = ef.opened_session(ops_version, [other, accommodated])
    record_incident(first, kind=IncidentKind.LATENESS, note="Bus", minutes=10, actor=None)
    html = _html(manager_client.get(reverse("staff:session", args=[session.pk])))
    assert "Suivi des évaluations" in html
    assert html.count("0 / 2") == 2
    assert "Retard (10 min)" in html
    assert "Ajouter un créneau" not in html  # an opened session's timetable is fixed


def test_the_session_page_costs_the_same_queries_for_more_slots(manager_client, ops_version):
    session = ef.session(ops_version, on=DAY)
    for hour in (9, 10):
        ef.slot(session, ef.started_candidacy(ops_version), "E1", f"{hour}:00", minutes=30)
    url = reverse("staff:session", args=[session.pk])
    manager_client.get(url)
    with CaptureQueriesContext(connection) as few:
        manager_client.get(url)
    for hour in (11, 12, 13):
        ef.slot(session, ef.started_candidacy(ops_version), "E1", f"{hour}:00", minutes=30)
    with CaptureQueriesContext(connection) as more:
        manager_client.get(url)
    assert len(more) == len(few)


def test_the_slot_page_records_incidents(manager_client, ops_version, accommodated):
    session, (slot,) = ef.opened_session(ops_version, [accommodated])
    url = reverse("staff:slot", args=[slot.pk])
    html = _html(manager_client.get(url))
    assert "Aucun incident." in html and "Non commencée" in html
    html = _html(manager_client.post(url, {"kind": IncidentKind.LATENESS, "note": "Train"}))
    assert 'role="alert"' in html
    assert "Incident non enregistré : Minutes de retard : un nombre entre 1 et 240" in html
    html = _html(manager_client.post(url, {"kind": IncidentKind.LATENESS, "note": ""}))
    assert 'id="id_note_error"' in html
    assert not Incident.objects.exists()
    response = manager_client.post(
        url, {"kind": IncidentKind.ABSENCE_EXCUSED, "note": "Justificatif reçu"}, follow=True
    )
    html = _html(response)
    assert "Incident enregistré : Absence excusée." in html
    assert "Justificatif reçu" in html
    assert "Enregistrer l'incident" not in html  # the slot is over
    slot.refresh_from_db()
    assert slot.status == SlotStatus.ABSENT_EXCUSED
    html = _html(manager_client.get(reverse("staff:slot_convocation", args=[slot.pk])))
    assert "Convocation à l'épreuve E1" in html
    assert "dont +20 min (aménagement)" in html


def test_another_certifier_sees_no_slot(client, personas, ops_version, accommodated):
    session, (slot,) = ef.opened_session(ops_version, [accommodated])
    client.login(email=personas["admin_autre_certificateur"].email, password=PASSWORD)
    assert client.get(reverse("staff:slot", args=[slot.pk])).status_code == 404
    response = client.post(
        reverse("staff:slot", args=[slot.pk]), {"kind": "technical", "note": "x"}
    )
    assert response.status_code == 404
    assert client.get(reverse("staff:slot_convocation", args=[slot.pk])).status_code == 404
    assert client.post(_action(session, "convoquer")).status_code == 404
    assert not Incident.objects.exists()
