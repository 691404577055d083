"""Indicators on hand-computed answers, suppression included.

Eight holders decided in 2025 are surveyed at 6 months:
- training (6 invited): 3 employed in a targeted job (CDI, CDI, CDD), 1 employed elsewhere
  (CDD), 1 job seeker, 1 no answer → 5 answers; response 5/6 = 83.3 %, insertion 4/5 =
  80.0 %, targeted jobs 3/5 = 60.0 %;
- VAE (2 invited): 1 employed in a targeted job (CDI), 1 opted out → 1 answer < 5: response
  1/2 = 50.0 % shown, insertion and targeted rates suppressed;
- overall: 8 invited, 6 answers, 5 employed, 4 in targeted jobs → 75.0 %, 83.3 %, 66.7 %;
  contracts among the 5 employed: CDI 3 (60.0 %), CDD 2 (40.0 %).
"""

from datetime import date

import pytest

from acquis.followup import indicators, services, tokens
from tests.followup.factories import EMPLOYED, NOW, campaign, decided, deliberation

pytestmark = pytest.mark.django_db

FIXED = EMPLOYED | {"contract_type": "fixed_term"}
ELSEWHERE = FIXED | {"targeted_job": "", "job_title": "Vendeuse"}
SEEKER = {"situation": "job_seeker", "helped": "somewhat"}


@pytest.fixture
def surveyed(ops_version, certifier):
    delib = deliberation(ops_version, certifier, date(2025, 3, 10))
    training = [decided(delib) for _ in range(6)]
    vae = [decided(delib, vae=True, admissible=True, file_complete=True) for _ in range(2)]
    c = campaign(ops_version, certifier)
    services.open_campaign(c, actor=None, now=NOW)
    by_decision = {i.decision_id: i for i in c.invitations.all()}
    answers = [EMPLOYED, EMPLOYED, FIXED, ELSEWHERE, SEEKER]
    for decision, data in zip(training, answers, strict=False):
        services.submit_answer(tokens.make_token(by_decision[decision.pk]), data, now=NOW)
    services.submit_answer(tokens.make_token(by_decision[vae[0].pk]), EMPLOYED, now=NOW)
    services.opt_out(tokens.make_token(by_decision[vae[1].pk], "opt-out"), now=NOW)
    return c


def _figures(i):
    return (i.label, i.invited, i.answers, i.response_rate, i.shown_employed, i.insertion_rate,
            i.shown_in_targeted, i.targeted_rate)  # fmt: skip


def test_overall_and_by_pathway_with_denominators_and_suppression(surveyed):
    invitations = indicators.invitations_of([surveyed])
    assert _figures(indicators.overall(invitations)) == (
        "Ensemble", 8, 6, 75.0, 5, 83.3, 4, 66.7
    )  # fmt: skip
    assert [_figures(i) for i in indicators.by(invitations, "pathway")] == [
        ("Formation", 6, 5, 83.3, 4, 80.0, 3, 60.0),
        ("VAE", 2, 1, 50.0, None, None, None, None),
    ]
    (year,) = indicators.by(invitations, "year")
    assert (year.label, year.answers, year.insertion_rate) == ("2025", 6, 83.3)
    (delay,) = indicators.by(invitations, "delay")
    assert delay.label == "6 mois"


def test_the_threshold_is_a_setting(surveyed, settings):
    settings.ACQUIS_FOLLOWUP = settings.ACQUIS_FOLLOWUP | {"min_answers": 7}
    overall = indicators.overall(indicators.invitations_of([surveyed]))
    assert (overall.answers, overall.insertion_rate, overall.response_rate) == (6, None, 75.0)


def test_contract_types_among_the_employed(surveyed, settings):
    employed, shares = indicators.contracts(indicators.invitations_of([surveyed]))
    assert employed == 5
    shown = {s.label: (s.count, s.share) for s in shares if s.count}
    assert shown == {"CDI": (3, 60.0), "CDD": (2, 40.0)}
    settings.ACQUIS_FOLLOWUP = settings.ACQUIS_FOLLOWUP | {"min_answers": 6}
    _, hidden = indicators.contracts(indicators.invitations_of([surveyed]))
    assert {(s.count, s.share) for s in hidden} == {(None, None)}


def test_pseudonymised_answers_give_the_same_figures(surveyed):
    before = _figures(indicators.overall(indicators.invitations_of([surveyed])))
    services.close_campaign(surveyed, actor=None, now=NOW)
    services.pseudonymise_campaign(surveyed, actor=None, now=NOW)
    assert _figures(indicators.overall(indicators.invitations_of([surveyed]))) == before
