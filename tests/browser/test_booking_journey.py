"""The exam manager moves a slot onto a time when a juror already sits in another session:
refused with the juror, both times and both sessions named; she takes the juror off the slot
and saves; then she finds the slot on the calendar, filtered per juror (Chromium, axe-core).
Days are counted from the local day."""

from datetime import timedelta

import pytest
from django.utils import timezone

from acquis.audit.models import AuditEvent
from acquis.evaluations.models import Slot
from tests import evaluation_factories as ef
from tests.browser.conftest import assert_accessible, second_factor
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_double_booking_refused_then_avoided_and_seen_on_the_calendar(
    page, live_server, personas, ops_version
):
    day = timezone.localdate() + timedelta(days=20)
    certifier = ops_version.certification.owner
    anne = ef.juror(certifier, ops_version, represents=True, first_name="Anne", last_name="Durand")
    paul = ef.juror(certifier, ops_version, first_name="Paul", last_name="Martin")
    rita = ef.juror(certifier, ops_version, represents=True, first_name="Rita", last_name="Roux")
    marc = ef.juror(certifier, ops_version, first_name="Marc", last_name="Petit")
    first = ef.session(ops_version, on=day, title="Session A", jurors=[anne, paul])
    ef.slot(first, ef.started_candidacy(ops_version), "E1", "14:00", minutes=60, room="B")
    second = ef.session(ops_version, on=day, title="Session B", jurors=[anne, rita, marc])
    slot = ef.slot(second, ef.started_candidacy(ops_version), "E1", "16:00", minutes=60)

    # The first page of the process waits for Chromium's cold start on a loaded machine.
    page.goto(f"{live_server.url}/gestion/sessions/{second.pk}/", timeout=90000)
    page.get_by_label("Adresse électronique").fill(personas["responsable_epreuves"].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, personas["responsable_epreuves"].email)
    page.get_by_role("heading", level=1, name="Session B").wait_for()
    page.goto(f"{live_server.url}/gestion/creneaux/{slot.pk}/")
    page.get_by_role("link", name="Modifier le créneau (horaire, salle, évaluateurs)").click()
    page.get_by_role("heading", level=1, name="Modifier le créneau").wait_for()
    assert page.get_by_label("Anne Durand").is_checked()  # by default, the whole panel
    assert_accessible(page)

    page.get_by_label("Heure de début").fill("14:30")
    page.get_by_role("button", name="Enregistrer le créneau").click()
    summary = page.locator("[data-error-summary]")
    text = summary.inner_text()
    assert "Anne Durand siège déjà de 14:00 à 15:00" in text
    assert "(session « Session A », salle B)" in text and "(session « Session B »)" in text
    assert_accessible(page)

    page.get_by_label("Anne Durand").uncheck()
    page.get_by_role("button", name="Enregistrer le créneau").click()
    page.get_by_text("Créneau modifié.").wait_for()
    slot = Slot.objects.get(pk=slot.pk)
    assert timezone.localtime(slot.starts_at).strftime("%H:%M") == "14:30"
    assert sorted(slot.assessors.values_list("pk", flat=True)) == sorted([rita.pk, marc.pk])
    assert AuditEvent.objects.for_object(slot).filter(verb="slot.updated").exists()

    menu = page.get_by_role("navigation", name="Gestion")
    menu.get_by_role("link", name="Calendrier").click()
    page.get_by_role("heading", level=1, name="Calendrier des épreuves").wait_for()
    if page.get_by_role("link", name="Mois suivant").is_visible() and day.month != (
        timezone.localdate().month
    ):
        page.get_by_role("link", name="Mois suivant").click()
    page.get_by_label("Membre du jury").select_option(label="Rita Roux")
    page.get_by_role("button", name="Filtrer").click()
    cell = page.locator(".calendar-sitting")
    assert cell.count() == 1 and "14:30" in cell.inner_text()
    assert page.get_by_text("Aucune double réservation sur la période.").is_visible()
    assert_accessible(page)
