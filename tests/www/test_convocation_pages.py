"""Convocations in the candidate portal and the jury portal (test client): own slots only,
once convoked; printable page and calendar file."""

from html import unescape

import pytest
from django.urls import reverse
from icalendar import Calendar

from acquis.candidates import services as candidate_services
from acquis.candidates.enums import AccommodationKind
from acquis.candidates.portal import give_portal_access
from acquis.evaluations import convocations, planning, services
from acquis.evaluations.convocations import send_convocations
from acquis.evaluations.enums import ConflictKind
from tests import evaluation_factories as ef
from tests import factories
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_candidacy(personas, certifier, ops_version):
    """The candidate persona's candidacy, with 20 min extra time."""
    person = factories.candidate(
        certifier, birth_name="Martin", first_name="Léa", email=personas["candidat"].email
    )
    give_portal_access(person, actor=personas["administrateur"])
    candidacy = factories.candidacy(ops_version, person=person, started=True)
    candidate_services.add_accommodation(
        candidacy, kind=AccommodationKind.EXTRA_TIME, extra_minutes=20
    )
    return candidacy


@pytest.fixture
def jury(personas, certifier, ops_version):
    """The juror persona's record, and a certifier representative."""
    profile = services.record_juror(
        user=personas["jure"],
        certifier=certifier,
        sector="insertion",
        role="Conseiller emploi",
        years_experience=6,
        proof=factories.pdf_upload(),
    )
    ef.train(profile, ops_version)
    return [ef.juror(certifier, ops_version, represents=True), profile]


@pytest.fixture
def session_slots(ops_version, own_candidacy, jury):
    """A confirmed session: E1 of the persona at 09:00, E1 of someone else at 11:00."""
    session = ef.session(ops_version, jurors=jury)
    mine = ef.slot(session, own_candidacy, "E1", "09:00", minutes=60, room="12")
    theirs = ef.slot(session, ef.started_candidacy(ops_version), "E1", "11:00", minutes=60)
    services.confirm_panel(session)
    return session, mine, theirs


def _login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _html(response) -> str:
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_the_candidate_sees_a_slot_only_once_convoked(client, personas, session_slots):
    session, mine, theirs = session_slots
    _login(client, personas["candidat"])
    html = _html(client.get(reverse("candidate:convocations")))
    assert "Vous n'avez encore reçu aucune convocation." in html
    assert client.get(reverse("candidate:convocation", args=[mine.pk])).status_code == 404
    assert client.get(reverse("candidate:convocation_ics", args=[mine.pk])).status_code == 404
    send_convocations(session, actor=personas["responsable_epreuves"])
    html = _html(client.get(reverse("candidate:convocations")))
    assert "E1 — Information collective" in html
    assert "09:00–10:20" in html and "+20 min (aménagement)" in html
    assert "OPS Conseil, Bron, salle 12" in html and "Prévu" in html
    html = _html(client.get(reverse("candidate:convocation", args=[mine.pk])))
    assert "Convocation à l'épreuve E1" in html
    assert "de 09:00 à 10:20" in html and "dont +20 min (aménagement)" in html
    assert "Temps supplémentaire : 20 min" in html
    assert "L1 : Support synthétique présentant l'action" in html
    assert "epreuves@test.fr" in html
    response = client.get(reverse("candidate:convocation_ics", args=[mine.pk]))
    assert response["Content-Type"] == "text/calendar"
    assert "attachment;" in response["Content-Disposition"]
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["uid"]) == convocations.candidate_uid(mine)
    # Someone else's slot, even convoked, is hidden.
    for name in ("candidate:convocation", "candidate:convocation_ics"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404


def test_cancelled_slots_leave_the_candidate_list(client, personas, ops_version, own_candidacy):
    session = ef.session(ops_version)
    slot = ef.slot(session, own_candidacy)
    services.confirm_panel(session)
    send_convocations(session, actor=None)
    planning.cancel_slot(slot, reason="Désistement", actor=None)
    _login(client, personas["candidat"])
    assert "Information collective" not in _html(client.get(reverse("candidate:convocations")))
    assert client.get(reverse("candidate:convocation", args=[slot.pk])).status_code == 404


def test_the_dossier_links_to_the_convocations(client, personas, own_candidacy):
    _login(client, personas["candidat"])
    html = _html(client.get(reverse("candidate:dossier")))
    assert f'href="{reverse("candidate:convocations")}"' in html


def test_the_juror_sees_accommodations_and_their_convocation(client, personas, session_slots):
    session, mine, theirs = session_slots
    _login(client, personas["jure"])
    html = _html(client.get(reverse("jury:home")))
    assert "Temps supplémentaire : 20 min" in html
    assert f'href="{reverse("jury:convocation", args=[session.pk])}"' in html
    html = _html(client.get(reverse("jury:convocation", args=[session.pk])))
    assert "Convocation au jury d'évaluation" in html
    assert "09:00–10:20" in html and "Temps supplémentaire : 20 min" in html
    assert "MARTIN Léa" in html
    response = client.get(reverse("jury:convocation_ics", args=[session.pk]))
    assert response["Content-Type"] == "text/calendar"
    uids = [str(e["uid"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]
    juror = personas["jure"].juror_profile
    assert uids == [convocations.juror_uid(mine, juror), convocations.juror_uid(theirs, juror)]


def test_a_juror_gets_404_for_a_session_they_do_not_assess(
    client, personas, ops_version, own_candidacy, jury
):
    certifier = ops_version.certification.owner
    elsewhere = ef.session(ops_version, title="Sans moi")  # other jurors
    ef.slot(elsewhere, ef.started_candidacy(ops_version))
    services.confirm_panel(elsewhere)
    linked = ef.session(
        ops_version,
        title="Avec lien",
        jurors=[
            ef.juror(certifier, ops_version, represents=True),
            ef.juror(certifier, ops_version),
            jury[1],
        ],
    )
    ef.slot(linked, own_candidacy)
    services.declare_conflict(jury[1], candidate=own_candidacy.candidate, kind=ConflictKind.TRAINED)
    services.confirm_panel(linked)
    _login(client, personas["jure"])
    for session in (elsewhere, linked):
        for name in ("jury:convocation", "jury:convocation_ics"):
            assert client.get(reverse(name, args=[session.pk])).status_code == 404, name
