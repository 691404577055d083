"""The staff calendar of the evaluations: month and week, French names, filters per room
and per juror, double bookings highlighted, print styles, bounded queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from acquis.evaluations.models import Slot
from tests import evaluation_factories as ef

pytestmark = pytest.mark.django_db
DAY = date(2027, 1, 12)  # a Tuesday


@pytest.fixture
def manager(personas):
    return personas["responsable_epreuves"]


@pytest.fixture
def planned(ops_version):
    certifier = ops_version.certification.owner
    anne = ef.juror(certifier, ops_version, represents=True, first_name="Anne", last_name="Durand")
    paul = ef.juror(certifier, ops_version, first_name="Paul", last_name="Martin")
    rita = ef.juror(certifier, ops_version, represents=True, first_name="Rita", last_name="Roux")
    first = ef.session(ops_version, on=DAY, title="Session A", jurors=[anne, paul])
    ef.slot(first, ef.started_candidacy(ops_version), "E1", "14:00", minutes=60, room="B")
    second = ef.session(ops_version, on=DAY, title="Session B", jurors=[rita])
    ef.slot(second, ef.started_candidacy(ops_version), "E1", "09:00", minutes=60, room="C")
    return {"first": first, "second": second, "anne": anne, "rita": rita}


def _get(client, manager, **params):
    client.force_login(manager)
    response = client.get(reverse("staff:calendar"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_month_and_week_in_french_with_their_sittings(client, manager, planned):
    month = _get(client, manager, jour="2027-01-20")
    assert "Janvier 2027" in month and "Lundi" in month and "Dimanche" in month
    assert "mardi 12 janvier" in month
    assert "Session A" in month and "Session B" in month
    assert "14:00–15:00 E1" in month and "salle B" in month
    assert "Aucune double réservation sur la période." in month
    week = _get(client, manager, vue="semaine", jour="2027-01-14")
    assert "Semaine du 11 janvier au 17 janvier 2027" in week
    assert "Semaine précédente" in week and "Vue par mois" in week
    assert "14:00–15:00 E1" in week
    other_week = _get(client, manager, vue="semaine", jour="2027-01-20")
    assert "14:00–15:00 E1" not in other_week


def test_filters_per_room_and_per_juror(client, manager, planned):
    by_room = _get(client, manager, jour="2027-01-12", salle="C")
    assert "09:00–10:00 E1" in by_room and "14:00–15:00 E1" not in by_room
    by_juror = _get(client, manager, jour="2027-01-12", jure=planned["anne"].pk)
    assert "14:00–15:00 E1" in by_juror and "09:00–10:00 E1" not in by_juror
    assert "Session A" in by_juror and "Session B" not in by_juror


def test_a_double_booking_is_highlighted(client, manager, planned):
    # A clash written past the services (the calendar shows what is stored, whatever its
    # origin: data entered before the rule existed).
    slot = planned["second"].slots.get()
    Slot.objects.filter(pk=slot.pk).update(starts_at=ef.at(DAY, "14:30"), room="B")
    page = _get(client, manager, jour="2027-01-12")
    assert "1 double(s) réservation(s)" in page
    assert "calendar-clash" in page
    assert "Double réservation — salle B : aussi 14:00–15:00, E1 (session « Session A »)" in page


def test_the_same_queries_for_2_and_40_sittings(client, manager, ops_version):
    session = ef.session(ops_version, on=DAY, title="Session longue")
    template = ef.slot(session, ef.started_candidacy(ops_version), "E1", "08:00", minutes=10)
    client.force_login(manager)

    def cost(count):
        Slot.objects.filter(session=session).exclude(pk=template.pk).delete()
        extra = []
        for index in range(count - 1):
            clone = Slot.objects.get(pk=template.pk)
            clone.pk = None
            clone.starts_at = template.starts_at + timedelta(minutes=11 * (index + 1))
            clone.room = f"S{index % 5}"
            extra.append(clone)
        Slot.objects.bulk_create(extra)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("staff:calendar"), {"jour": "2027-01-12"})
        assert response.status_code == 200
        assert response.content.decode().count("E1</a>") == count
        return len(queries)

    assert cost(2) == cost(40)
