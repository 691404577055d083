"""The exam manager plans a slot with extra time and the two timed parts of the training
sequence (never shortened), convokes, opens the session and records an excused absence
(Chromium, axe-core)."""

import pytest
from django.core import mail
from django.utils import timezone

from acquis.candidates import services as candidate_services
from acquis.candidates.enums import AccommodationKind
from acquis.candidates.portal import give_portal_access
from acquis.evaluations import services
from acquis.evaluations.convocations import send_convocations
from acquis.evaluations.enums import SlotStatus
from acquis.evaluations.models import Slot
from tests import evaluation_factories as ef
from tests import factories
from tests.browser.conftest import assert_accessible, second_factor
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_convoke_open_and_record_an_absence(page, live_server, personas, ops_version):
    session = ef.session(ops_version, on=timezone.localdate(), title="Session du jour")
    candidacy = ef.started_candidacy(ops_version)
    candidate_services.add_accommodation(
        candidacy, kind=AccommodationKind.EXTRA_TIME, extra_minutes=20
    )
    name = candidacy.candidate.full_name

    page.goto(f"{live_server.url}/gestion/sessions/{session.pk}/")
    page.get_by_label("Adresse électronique").fill(personas["responsable_epreuves"].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, personas["responsable_epreuves"].email)
    page.get_by_role("heading", name="Session du jour").wait_for()
    assert_accessible(page)

    def choose(chosen):
        # Few convocable candidacies: a select (a search beyond 50: the picker's journey).
        page.get_by_role("combobox", name="Candidature").select_option(
            label=f"{chosen.candidate.full_name} — {chosen.get_pathway_display()}"
        )

    page.get_by_role("combobox", name="Épreuve").select_option(label="E1 — Information collective")
    choose(candidacy)
    page.get_by_label("Heure de début").fill("09:00")
    page.get_by_label("Durée prévue (minutes)").fill("60")
    page.get_by_label("Salle").fill("Salle 2")
    page.get_by_role("button", name="Ajouter le créneau").click()
    page.get_by_text(f"Créneau ajouté : E1 de {name}").wait_for()
    row = page.locator("table.timetable tbody tr").first
    assert "09:00–10:20" in row.inner_text()
    assert row.get_by_text("+20 min (aménagement)").is_visible()
    assert "Temps supplémentaire : 20 min" in row.inner_text()
    assert_accessible(page)

    # E10: the 30-minute training sequence, then the presentation of the evaluation tool.
    sequence = ef.started_candidacy(ops_version)
    other = sequence.candidate.full_name

    def plan_e10(minutes):
        page.get_by_role("combobox", name="Épreuve").select_option(
            label="E10 — Animation d'une séquence de formation (30 min + durée à fixer)"
        )
        choose(sequence)
        page.get_by_label("Heure de début").fill("11:00")
        page.get_by_label("Durée prévue (minutes)").fill(minutes)
        page.get_by_role("button", name="Ajouter le créneau").click()

    page.reload()
    plan_e10("25")
    alert = page.locator("#refus")
    assert "25 minutes ne laissent aucun temps pour « Présentation" in alert.inner_text()
    assert "une durée fixée par le référentiel ne se raccourcit pas" in alert.inner_text()
    assert_accessible(page)
    plan_e10("45")
    page.get_by_text(f"Créneau ajouté : E10 de {other}, 11:00–11:45.").wait_for()
    parts = page.locator(f"#creneau-{Slot.objects.get(candidacy=sequence).pk} .slot-parts")
    assert parts.inner_text().splitlines() == [
        "11:00–11:30 : Animation d'une séquence de formation (30 min, durée fixée par le "
        "référentiel)",
        "11:30–11:45 : Présentation des modalités et de l'outil d'évaluation de la séquence "
        "(15 min)",
    ]
    assert_accessible(page)

    page.get_by_role("button", name="Confirmer le jury").click()
    page.get_by_text("Jury confirmé.").wait_for()
    page.get_by_role("button", name="Envoyer les convocations").click()
    # A session held today: its deliverables deadline has passed, the warning asks first.
    page.get_by_text("La date limite de dépôt des livrables").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer l'envoi des convocations").click()
    page.get_by_text("Convocations envoyées : 2 candidat(s), 2 membre(s) du jury.").wait_for()
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert candidacy.candidate.email in recipients and len(recipients) == 4
    assert page.get_by_text("Toutes les convocations ont été envoyées.").is_visible()

    page.get_by_role("button", name="Ouvrir la session").click()
    page.get_by_text("Session ouverte.").wait_for()
    assert page.locator("#etat-session").inner_text() == "Ouverte"
    assert page.get_by_role("heading", name="Suivi des évaluations").is_visible()
    assert_accessible(page)

    page.locator("table.timetable").get_by_role("link", name=name).click()
    page.get_by_role("heading", name=f"E1 — {name}").wait_for()
    assert_accessible(page)
    page.get_by_label("Type d'incident").select_option(label="Absence excusée")
    page.get_by_role("button", name="Enregistrer l'incident").click()
    alert = page.get_by_role("alert")  # the note is required
    assert "erreurs" in alert.inner_text()
    page.get_by_label("Note").fill("Arrêt de travail reçu par courriel")
    page.get_by_role("button", name="Enregistrer l'incident").click()
    page.get_by_text("Incident enregistré : Absence excusée.").wait_for()
    assert page.locator("#etat-creneau").inner_text() == "Absence excusée"
    assert page.get_by_text("Arrêt de travail reçu par courriel").is_visible()
    assert_accessible(page)
    assert Slot.objects.get(candidacy=candidacy).status == SlotStatus.ABSENT_EXCUSED


def _login(page, live_server, path, email):
    page.goto(f"{live_server.url}{path}")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    second_factor(page, email)


def test_the_candidate_and_the_juror_read_their_convocations(
    page, live_server, personas, ops_version
):
    certifier = ops_version.certification.owner
    person = factories.candidate(certifier, email=personas["candidat"].email)
    give_portal_access(person, actor=personas["administrateur"])
    candidacy = factories.candidacy(ops_version, person=person, started=True)
    candidate_services.add_accommodation(
        candidacy, kind=AccommodationKind.EXTRA_TIME, extra_minutes=20
    )
    juror = services.record_juror(
        user=personas["jure"], certifier=certifier, sector="insertion",
        role="Conseiller emploi", years_experience=6, proof=factories.pdf_upload(),
    )  # fmt: skip
    ef.train(juror, ops_version)
    session = ef.session(
        ops_version, jurors=[ef.juror(certifier, ops_version, represents=True), juror]
    )
    ef.slot(session, candidacy, "E1", "09:00", minutes=60)
    services.confirm_panel(session)
    send_convocations(session, actor=None)

    _login(page, live_server, "/mon-dossier/", personas["candidat"].email)
    page.get_by_role("link", name="Mes convocations").click()
    page.get_by_role("heading", name="Mes convocations").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Convocation E1").click()
    page.get_by_role("heading", name="Convocation à l'épreuve E1").wait_for()
    assert page.get_by_text("dont +20 min (aménagement)").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Se déconnecter").click()

    _login(page, live_server, "/jury/", personas["jure"].email)
    page.get_by_role("heading", name="Mes évaluations").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name=f"convocation du {session.date:%d/%m/%Y}").click()
    page.get_by_role("heading", name="Convocation au jury d'évaluation").wait_for()
    assert page.get_by_text("Temps supplémentaire : 20 min").is_visible()
    assert_accessible(page)
