"""The staff screen of partial validations whose deadline for a new validation request is
near ("demandes de nouvelle validation possibles jusqu'au…"), via the client."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from acquis.juries.engine import add_years
from tests.conftest import PASSWORD
from tests.juries import factories as jf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
URL = "/gestion/validations-partielles/"


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def signed_partial(version, *, expires_in_days):
    """A partial validation (B3 not acquired) signed so that its deadline for a new
    validation request is in n days."""
    candidacy = jf.ready_candidacy(version, not_acquired=["C3.2.1"])
    on = timezone.localdate() + timedelta(days=expires_in_days)
    deliberation_date = add_years(on, -5)
    jf.decided_and_signed(version, [candidacy], on=deliberation_date)
    return candidacy


def test_the_url():
    assert reverse("staff:expiries") == URL


def test_the_manager_sees_deadlines_within_six_months(client, personas, ops_version):
    soon = signed_partial(ops_version, expires_in_days=40)
    later = signed_partial(ops_version, expires_in_days=300)
    page = login(client, personas["responsable_epreuves"]).get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert soon.candidate.full_name in text
    assert later.candidate.full_name not in text
    assert "Demandes de nouvelle validation possibles jusqu'à une date proche (1)" in text
    deadline = timezone.localdate() + timedelta(days=40)
    assert f"{deadline:%d/%m/%Y}" in text
    assert "dans 40 jours" in text
    assert "<td>B1, B2, B4</td>" in text  # acquired for good
    assert "Valable" not in text and "validité" not in text
    assert reverse("staff:candidacy", args=[soon.pk]) in text


def test_empty_and_other_certifier(client, personas, ops_version):
    signed_partial(ops_version, expires_in_days=10)
    page = login(client, personas["admin_autre_certificateur"]).get(URL)
    assert page.status_code == 200
    assert (
        "Aucun délai de demande de nouvelle validation ne prend fin dans les 6 prochains mois."
        in page.content.decode()
    )


def test_constant_number_of_queries(client, personas, ops_version):
    signed_partial(ops_version, expires_in_days=20)
    client = login(client, personas["administrateur"])
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    signed_partial(ops_version, expires_in_days=30)
    signed_partial(ops_version, expires_in_days=50)
    with CaptureQueriesContext(connection) as three:
        page = client.get(URL)
    assert "(3)" in page.content.decode()
    assert len(three) == len(one)
