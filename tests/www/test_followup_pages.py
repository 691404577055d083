"""Survey pages through the test client: the public form by personal link (no account), the
staff campaign and renewal pages, the partner's own results. The clock is injected
(`acquis.followup.clock.now`), never today's date."""

from datetime import date, timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from acquis.exports import statistics
from acquis.followup import clock, services, tokens
from acquis.followup.models import Answer, Campaign
from acquis.juries.enums import DecisionKind
from acquis.juries.models import BlockDecision
from acquis.organisations.enums import Habilitation, OrganisationKind
from acquis.organisations.models import Organisation
from tests.conftest import PASSWORD
from tests.followup.factories import NOW, campaign, decided, deliberation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def opened(ops_version, certifier):
    delib = deliberation(ops_version, certifier, date(2025, 3, 10))
    decided(delib)
    c = campaign(ops_version, certifier)
    services.open_campaign(c, actor=None, now=NOW)
    return c


def _url(c, purpose="answer"):
    name = "survey_answer" if purpose == "answer" else "survey_opt_out"
    return reverse(name, args=[tokens.make_token(c.invitations.get(), purpose)])


ANSWER = {
    "situation": "employed",
    "job_title": "Conseiller",
    "targeted_job": "conseiller emploi",
    "contract_type": "permanent",
    "working_time": "full",
    "sector": "insertion",
    "helped": "a_lot",
}


def _text(response) -> str:
    return " ".join(unescape(response.content.decode()).split())


def test_the_form_says_why_and_records_then_edits_the_answer(client, opened):
    url = _url(opened)
    page = _text(client.get(url))
    assert "Pourquoi ces questions" in page and "France Compétences" in page
    assert "Conseiller emploi" in page  # the targeted jobs of the referential
    response = client.post(url, ANSWER)
    assert response.status_code == 302 and response.url.endswith("?enregistre=1")
    assert "votre réponse est enregistrée" in _text(client.get(response.url))
    client.post(url, ANSWER | {"situation": "training", "contract_type": ""})
    assert Answer.objects.get().situation == "training"
    assert client.get(url).context["form"].initial["situation"] == "training"


def test_an_employed_answer_without_contract_is_refused_beside_the_field(client, opened):
    response = client.post(_url(opened), ANSWER | {"contract_type": ""})
    page = _text(response)
    assert response.status_code == 200
    assert "Type de contrat : Indiquez le type de contrat de votre emploi." in page
    assert not Answer.objects.exists()


def test_tampered_expired_and_opted_out_links(client, opened, monkeypatch):
    url = _url(opened)
    assert client.get(url[:-3] + "xx/").status_code == 404
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(days=90))
    expired = client.get(url)
    assert expired.status_code == 410 and "a expiré" in _text(expired)
    monkeypatch.setattr(clock, "now", lambda: NOW)
    done = client.post(_url(opened, "opt-out"))
    assert "vous ne serez plus relancé(e)" in _text(done)
    assert "ne pas souhaiter répondre" in _text(client.get(url))
    assert not Answer.objects.exists()


def _login(client, personas, role):
    assert client.login(email=personas[role].email, password=PASSWORD)


def test_staff_create_open_and_read_a_campaign(client, personas, ops_version, certifier):
    delib = deliberation(ops_version, certifier, date(2025, 3, 10))
    decided(delib)
    _login(client, personas, "responsable_epreuves")
    form = {
        "certification": ops_version.certification.pk,
        "title": "Six mois 2025",
        "delay_months": 6,
        "decided_from": "2025-01-01",
        "decided_to": "2025-06-30",
        "closes_on": "2025-12-01",
        "reminder_days": 14,
    }
    refused = client.post(reverse("staff_surveys"), form)
    assert "doit suivre la date" in _text(refused) and not Campaign.objects.exists()
    response = client.post(reverse("staff_surveys"), form | {"closes_on": "2026-04-30"})
    created = Campaign.objects.get()
    assert response.url == reverse("staff_survey", args=[created.pk])
    client.post(reverse("staff_survey_action", args=[created.pk, "ouvrir"]))
    created.refresh_from_db()
    assert created.status == "open" and created.invitations.count() == 1
    page = _text(client.get(reverse("staff_survey", args=[created.pk])))
    assert "Secret statistique : moins de 5 réponses" in page
    assert "0.0 % (0/1)" in page or "0,0 % (0/1)" in page


def test_the_renewal_page_shows_the_tables_and_downloads(client, personas, opened):
    _login(client, personas, "administrateur")
    query = {"certification": opened.certification.pk, "annees": "2024-2025"}
    page = _text(client.get(reverse("staff_renewal"), query))
    assert "Certifiés par année et voie d'accès" in page and "Méthode." in page
    xlsx = client.get(reverse("staff_renewal"), query | {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    pdf = client.get(reverse("staff_renewal"), query | {"format": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    bad = _text(client.get(reverse("staff_renewal"), query | {"annees": "vingt"}))
    assert "Années « vingt » : écrivez par exemple 2023-2025." in bad


def test_the_partner_sees_its_own_candidates_rates_with_the_statistics_definitions(
    client, personas, ops_version, certifier, partner
):
    partner.habilitation = Habilitation.PREPARE
    partner.save()
    rival = Organisation.objects.create(
        kind=OrganisationKind.PARTNER,
        name="Autre organisme",
        certifier=certifier,
        habilitation=Habilitation.PREPARE,
    )
    delib = deliberation(ops_version, certifier, date(2025, 3, 10))
    for kind, who in [(DecisionKind.TOTAL, partner), (DecisionKind.PARTIAL, partner),
                      (DecisionKind.TOTAL, rival)]:  # fmt: skip
        decision = decided(delib, kind=kind, partner=who)
        BlockDecision.objects.bulk_create(
            BlockDecision(
                decision=decision,
                block=block,
                validated=kind == DecisionKind.TOTAL or block.code != "B3",
                proposed=False,
            )
            for block in ops_version.blocks.all()
        )
    _login(client, personas, "partenaire")
    page = _text(client.get(reverse("partner_results")))
    assert "2025 : 2 décision(s) ; taux d'obtention du titre 50,0 % (1/2)" in page
    assert "Autre organisme" not in page
    csv = client.get(reverse("partner_results_export", args=[partner.pk])).content.decode()
    lines = csv.splitlines()
    assert lines[0].startswith("organisme,annee,certification")
    b3 = next(line for line in lines if ",B3," in line)
    assert b3.endswith(",2,1,50.0")
    expected = statistics.block_rates(
        [certifier], statistics.Filters.for_year(2025, partner=partner)
    )
    assert [(r.code, r.decided, r.validated) for r in expected][2] == ("B3", 2, 1)
    assert client.get(reverse("partner_results_export", args=[rival.pk])).status_code == 404


def test_the_public_referential_page_lists_the_targeted_jobs(client, ops_version):
    page = _text(client.get(reverse("referential", args=[ops_version.certification.code])))
    assert "Métiers visés" in page and "Formateur auprès d'un public en insertion" in page


def test_the_campaign_list_does_not_grow_in_queries(client, personas, ops_version, certifier):
    _login(client, personas, "administrateur")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("staff_surveys")).status_code == 200
        return len(queries)

    campaign(ops_version, certifier)
    one = count()
    for year in (2022, 2023, 2024):
        campaign(
            ops_version,
            certifier,
            decided_from=date(year, 1, 1),
            decided_to=date(year, 6, 30),
            closes_on=date(year + 1, 4, 30),
        )
    assert count() == one
