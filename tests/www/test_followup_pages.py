"""Survey pages through the test client: the public form by personal link (no account), the
staff campaign and renewal pages, the partner's own results. The clock is injected
(`acquis.followup.clock.now`), never today's date."""

import re
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
    name = "public:survey_answer" if purpose == "answer" else "public:survey_opt_out"
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


def _words(response) -> str:
    """The page's text without its tags: a table row reads as its cells in order."""
    return " ".join(re.sub(r"<[^>]+>", " ", unescape(response.content.decode())).split())


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
    refused = client.post(reverse("staff:surveys"), form)
    assert "doit suivre la date" in _text(refused) and not Campaign.objects.exists()
    response = client.post(reverse("staff:surveys"), form | {"closes_on": "2026-04-30"})
    created = Campaign.objects.get()
    assert response.url == reverse("staff:survey", args=[created.pk])
    client.post(reverse("staff:survey_action", args=[created.pk, "ouvrir"]))
    created.refresh_from_db()
    assert created.status == "open" and created.invitations.count() == 1
    page = _text(client.get(reverse("staff:survey", args=[created.pk])))
    assert "Secret statistique : moins de 5 réponses" in page
    assert "0.0 % (0/1)" in page or "0,0 % (0/1)" in page


def test_the_renewal_page_shows_the_tables_and_downloads(client, personas, opened):
    _login(client, personas, "administrateur")
    query = {"certification": opened.certification.pk, "annees": "2024-2025"}
    page = _text(client.get(reverse("staff:renewal"), query))
    assert "Certifiés par année et voie d'accès" in page and "Méthode." in page
    xlsx = client.get(reverse("staff:renewal"), query | {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    pdf = client.get(reverse("staff:renewal"), query | {"format": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    bad = _text(client.get(reverse("staff:renewal"), query | {"annees": "vingt"}))
    assert "Années « vingt » : écrivez par exemple 2023-2025." in bad


def test_the_partner_sees_its_own_candidates_rates_with_the_statistics_definitions(
    client, personas, ops_version, certifier, partner
):
    """Hand-computed, threshold 5 (ACQUIS_FOLLOWUP min_answers). 2025: 6 decisions for the
    partner (4 total, 2 partial, B3 not validated on the partial ones), B4 decided on only 4
    of them (held before on the other 2): B1 6/6 = 100,0 %, B3 4/6 = 66,7 %, B4 4 decided →
    secret; title 4/6 = 66,7 %. 2024: one decision → the title rate and every block secret,
    the denominators shown. The rival's decision counts nowhere."""
    partner.habilitation = Habilitation.PREPARE
    partner.save()
    rival = Organisation.objects.create(
        kind=OrganisationKind.PARTNER,
        name="Autre organisme",
        certifier=certifier,
        habilitation=Habilitation.PREPARE,
    )
    blocks = list(ops_version.blocks.order_by("position"))
    assert [b.code for b in blocks] == ["B1", "B2", "B3", "B4"]

    def decide(delib, kind, who, *, without_b4=False):
        decision = decided(delib, kind=kind, partner=who)
        BlockDecision.objects.bulk_create(
            BlockDecision(
                decision=decision,
                block=block,
                validated=kind == DecisionKind.TOTAL or block.code != "B3",
                proposed=False,
            )
            for block in blocks
            if not (without_b4 and block.code == "B4")
        )

    delib = deliberation(ops_version, certifier, date(2025, 3, 10))
    for n in range(4):
        decide(delib, DecisionKind.TOTAL, partner, without_b4=n < 2)
    for _ in range(2):
        decide(delib, DecisionKind.PARTIAL, partner)
    decide(delib, DecisionKind.TOTAL, rival)
    decide(deliberation(ops_version, certifier, date(2024, 6, 3)), DecisionKind.TOTAL, partner)
    _login(client, personas, "partenaire")
    page = _words(client.get(reverse("partner:results")))
    assert "2025 : 6 décision(s) ; taux d'obtention du titre 66,7 % (4/6)" in page
    assert "B1 — " in page and "6 6 100,0 %" in page
    assert "4 4 66,7 %" not in page and "6 4 66,7 %" in page  # B3
    assert "4 secret secret statistique (moins de 5 blocs décidés)" in page  # B4
    assert (
        "2024 : 1 décision(s) ; taux d'obtention du titre secret statistique (moins de 5 "
        "décisions visant le titre : 1)"
    ) in page
    assert "1 secret secret statistique (moins de 5 blocs décidés)" in page
    assert "aucun taux ni nombre de réussites n'est donné sur moins de 5 blocs décidés" in page
    assert "Autre organisme" not in page
    csv = client.get(reverse("partner:results_export", args=[partner.pk])).content.decode()
    lines = csv.splitlines()
    assert lines[0].startswith("organisme,annee,certification")
    assert lines[0].endswith(
        ",blocs_decides,blocs_valides,taux_reussite_bloc (%),secret_statistique"
    )
    rows = {(line.split(",")[1], line.split(",")[4]): line for line in lines[1:]}
    assert rows[("2025", "B1")].endswith(",6,6,100.0,")
    assert rows[("2025", "B3")].endswith(",6,4,66.7,")
    assert rows[("2025", "B4")].endswith(",4,,,moins de 5 blocs décidés")
    assert rows[("2024", "B3")].endswith(",1,,,moins de 5 blocs décidés")
    expected = statistics.block_rates(
        [certifier], statistics.Filters.for_year(2025, partner=partner)
    )
    assert [(r.code, r.decided, r.validated) for r in expected][2:] == [("B3", 6, 4), ("B4", 4, 4)]
    assert client.get(reverse("partner:results_export", args=[rival.pk])).status_code == 404


def test_the_partner_threshold_follows_the_setting(
    client, personas, ops_version, certifier, partner, settings
):
    """The same setting as the insertion indicators: at 1, nothing is suppressed."""
    settings.ACQUIS_FOLLOWUP = settings.ACQUIS_FOLLOWUP | {"min_answers": 1}
    partner.habilitation = Habilitation.PREPARE
    partner.save()
    decision = decided(deliberation(ops_version, certifier, date(2025, 3, 10)), partner=partner)
    BlockDecision.objects.bulk_create(
        BlockDecision(decision=decision, block=block, validated=True, proposed=False)
        for block in ops_version.blocks.all()
    )
    _login(client, personas, "partenaire")
    page = _text(client.get(reverse("partner:results")))
    assert "taux d'obtention du titre 100,0 % (1/1)" in page and "secret statistique (" not in page
    csv = client.get(reverse("partner:results_export", args=[partner.pk])).content.decode()
    assert csv.splitlines()[1].endswith(",1,1,100.0,")


def test_the_public_referential_page_lists_the_targeted_jobs(client, ops_version):
    page = _text(client.get(reverse("public:referential", args=[ops_version.certification.code])))
    assert "Métiers visés" in page and "Formateur auprès d'un public en insertion" in page


def test_the_campaign_list_does_not_grow_in_queries(client, personas, ops_version, certifier):
    _login(client, personas, "administrateur")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("staff:surveys")).status_code == 200
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
