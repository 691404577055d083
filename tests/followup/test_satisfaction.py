"""Satisfaction surveys after a sitting (candidates) and a deliberation (jury members): who
is asked, the link (own purpose, expiry, tampering), changed answers, results per event with
the suppression threshold."""

from datetime import date, timedelta
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from acquis.evaluations.models import EvaluationSession
from acquis.followup import clock, satisfaction, tokens
from acquis.followup.exceptions import FollowupError
from acquis.followup.models import SatisfactionAnswer, SatisfactionRequest
from acquis.juries.models import JuryMember
from tests import evaluation_factories as ef
from tests import factories
from tests.conftest import PASSWORD, make_user
from tests.followup.factories import NOW, deliberation

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_session(ops_version):
    session = ef.session(ops_version, on=date(2026, 2, 1))
    for hhmm in ("09:00", "11:00"):
        ef.slot(session, factories.candidacy(ops_version, started=True), hhmm=hhmm)
    EvaluationSession.objects.filter(pk=session.pk).update(status="closed")
    session.refresh_from_db()
    return session


@pytest.fixture
def signed(ops_version, certifier):
    delib = deliberation(ops_version, certifier, date(2026, 2, 10))
    for index in range(3):
        JuryMember.objects.create(
            deliberation=delib,
            user=make_user(f"membre{index}@exemple.fr"),
            role="certifier_trainer",
            external=False,
        )
    return delib


def test_candidates_of_a_closed_session_are_asked_once_by_the_worker(closed_session):
    assert satisfaction.request_after_session(closed_session, actor=None, now=NOW) == 2
    with pytest.raises(FollowupError, match="déjà reçu"):
        satisfaction.request_after_session(closed_session, actor=None, now=NOW)
    assert satisfaction.send_pending(now=NOW) == 2
    assert "/avis/" in mail.outbox[0].body and "Session B1" in mail.outbox[0].subject


def test_a_session_not_closed_is_refused(ops_version):
    with pytest.raises(FollowupError, match="clôturée"):
        satisfaction.request_after_session(ef.session(ops_version), actor=None, now=NOW)


def test_jury_members_answer_by_link_and_results_are_suppressed_below_the_threshold(
    signed, settings
):
    satisfaction.request_after_deliberation(signed, actor=None, now=NOW)
    requests = SatisfactionRequest.objects.filter(deliberation=signed).order_by("pk")
    for request, rating in zip(requests, ["4", "3", "1"], strict=True):
        data = {"overall": rating, "organisation": "3", "comment": f"Avis {rating}"}
        satisfaction.submit(satisfaction.make_token(request), data, now=NOW)
    satisfaction.submit(
        satisfaction.make_token(requests[0]), {"overall": "2", "organisation": "2"}, now=NOW
    )
    assert SatisfactionAnswer.objects.count() == 3
    hidden = satisfaction.results(requests)
    assert (hidden.asked, hidden.answers, hidden.satisfied_rate, hidden.comments) == (
        3,
        3,
        None,
        [],
    )
    settings.ACQUIS_FOLLOWUP = settings.ACQUIS_FOLLOWUP | {"min_answers": 3}
    shown = satisfaction.results(requests)
    assert shown.satisfied_rate == 33.3  # 1 rather satisfied of 3 (the first changed to 2)
    assert dict(shown.overall) == {
        "Très satisfait(e)": 0,
        "Plutôt satisfait(e)": 1,
        "Peu satisfait(e)": 1,
        "Pas satisfait(e)": 1,
    }


def test_the_satisfaction_link_expires_and_is_its_own_purpose(signed):
    satisfaction.request_after_deliberation(signed, actor=None, now=NOW)
    request = SatisfactionRequest.objects.filter(deliberation=signed).first()
    token = satisfaction.make_token(request)
    with pytest.raises(FollowupError, match="a expiré"):
        satisfaction.request_for(token, now=NOW + timedelta(days=31))
    with pytest.raises(FollowupError, match="n'est pas valide"):
        satisfaction.request_for(token[:-1] + "x", now=NOW)
    with pytest.raises(FollowupError, match="n'est pas valide"):
        tokens.invitation_for(token, "answer", now=NOW)


def test_the_pages(client, signed, personas, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    assert client.login(email=personas["responsable_epreuves"].email, password=PASSWORD)
    response = client.post(reverse("staff:satisfaction_deliberation", args=[signed.pk]))
    assert response.url == reverse("staff:satisfaction")
    page = client.get(reverse("staff:satisfaction")).content.decode()
    assert "0 / 3" in page and "Secret statistique" in page
    client.logout()
    request = SatisfactionRequest.objects.first()
    url = reverse("public:satisfaction_answer", args=[satisfaction.make_token(request)])
    assert "Votre avis" in client.get(url).content.decode()
    response = client.post(url, {"overall": "4", "organisation": "4", "comment": "Bien."})
    assert response.status_code == 302
    assert SatisfactionAnswer.objects.get().comment == "Bien."
    refused = client.post(url, {"overall": "9", "organisation": "4"})
    assert refused.status_code == 200 and "n’est pas enregistré" in unescape(
        refused.content.decode()
    ).replace("'", "’")
