"""The PV pages: the jury closes, reads and signs (password re-entered); the staff follow
the signatures and start a correction; the staff dossier lists the jury's decisions."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from acquis.juries import corrections, deliberations, minutes
from acquis.juries.enums import DeliberationStatus
from acquis.juries.models import Deliberation, MinutesSignature
from acquis.organisations.enums import Role
from tests import twofactor
from tests.conftest import PASSWORD
from tests.juries import factories as jf
from tests.juries.test_minutes import ON, awaiting, decided

pytestmark = pytest.mark.django_db
SIGN_LABEL = "Mot de passe (confirmation de votre signature)"


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_a_member_closes_then_signs_with_the_password(client, ops_version):
    deliberation, (candidacy,) = decided(ops_version)
    first = jf.member_users(deliberation)[0]
    url = reverse("jury:minutes", args=[deliberation.pk])
    login(client, first)
    html = client.get(url).content.decode()
    assert "Clore la délibération et établir le procès-verbal" in html
    # First the confirmation, saying what closing means; nothing closed yet.
    html = client.post(url, {"action": "close"}).content.decode()
    assert "Clore la délibération ?" in html and "scellé par son empreinte" in html
    assert 'name="action" value="close"' in html and 'name="confirmation"' in html
    assert minutes.current_minutes(deliberation) is None
    response = client.post(url, {"action": "close", "confirmation": "oui"}, follow=True)
    html = response.content.decode()
    assert "procès-verbal PV-OPS-2026-0001 établi" in html
    pv = minutes.current_minutes(deliberation)
    assert pv.content_hash in html
    assert candidacy.candidate.full_name in html
    assert "15/06/2026" in html  # the content's dates, the French way
    assert SIGN_LABEL in html and html.count("Non signé") == 3
    wrong = client.post(url, {"action": "sign", "password": "faux"})
    assert wrong.status_code == 400
    html = wrong.content.decode()
    assert 'role="alert"' in html and "Mot de passe incorrect" in html
    assert not MinutesSignature.objects.exists()
    empty = client.post(url, {"action": "sign", "password": ""})
    assert "Saisissez votre mot de passe pour signer." in empty.content.decode()
    no_code = client.post(url, {"action": "sign", "password": PASSWORD})
    assert no_code.status_code == 400 and "Code incorrect" in no_code.content.decode()
    code = twofactor.code_for(first)
    signed = client.post(url, {"action": "sign", "password": PASSWORD, "code": code}, follow=True)
    html = signed.content.decode()
    assert "Vous avez signé le procès-verbal PV-OPS-2026-0001." in html
    assert SIGN_LABEL not in html and html.count("Non signé") == 2
    assert "Rouvrir la délibération" not in html  # a signature: no reopening


def test_the_last_signature_shows_a_signed_pv(client, ops_version):
    deliberation, _ = decided(ops_version)
    pv = minutes.close_deliberation(deliberation, actor=None)
    *others, last = jf.member_users(deliberation)
    for user in others:
        minutes.sign(pv, user, password=PASSWORD, actor=user)
    login(client, last)
    url = reverse("jury:minutes", args=[deliberation.pk])
    posted = {"action": "sign", "password": PASSWORD, "code": twofactor.code_for(last)}
    html = client.post(url, posted, follow=True).content.decode()
    assert "Procès-verbal signé par tous les membres du jury" in html
    assert "Non signé" not in html
    deliberation.refresh_from_db()
    assert deliberation.status == DeliberationStatus.SIGNED


def test_a_member_reopens_before_any_signature(client, ops_version):
    deliberation, _ = decided(ops_version)
    minutes.close_deliberation(deliberation, actor=None)
    login(client, jf.member_users(deliberation)[2])
    url = reverse("jury:minutes", args=[deliberation.pk])
    html = client.post(url, {"action": "reopen"}, follow=True).content.decode()
    assert "Délibération rouverte" in html
    assert "Procès-verbaux remplacés" in html and "PV-OPS-2026-0001" in html
    deliberation.refresh_from_db()
    assert deliberation.status == DeliberationStatus.OPEN


def test_closing_with_an_undecided_candidate_names_them(client, ops_version):
    first = awaiting(ops_version)
    deliberation = jf.deliberation(ops_version, [first], on=ON)
    login(client, jf.member_users(deliberation)[0])
    url = reverse("jury:minutes", args=[deliberation.pk])
    html = client.post(
        url, {"action": "close", "confirmation": "oui"}, follow=True
    ).content.decode()
    assert f"{first.candidate.full_name} : aucune décision enregistrée." in html
    assert deliberation.minutes.count() == 0


def test_a_juror_of_another_jury_gets_404(client, ops_version, certifier):
    deliberation, _ = decided(ops_version)
    other, _ = decided(ops_version)
    login(client, jf.member_users(other)[0])
    url = reverse("jury:minutes", args=[deliberation.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "close"}).status_code == 404
    deliberation.refresh_from_db()
    assert deliberation.status == DeliberationStatus.OPEN


def test_staff_follow_the_signatures(client, ops_version, personas):
    deliberation, _ = decided(ops_version)
    pv = minutes.close_deliberation(deliberation, actor=None)
    first = jf.member_users(deliberation)[0]
    minutes.sign(pv, first, password=PASSWORD, actor=first)
    login(client, personas["responsable_epreuves"])
    html = client.get(reverse("staff:minutes", args=[deliberation.pk])).content.decode()
    assert "En attente de signatures" in html
    assert first.get_full_name() in html and html.count("Non signé") == 2
    assert pv.number in html and pv.content_hash in html
    assert "Corriger la décision" not in html  # not signed yet
    client.logout()
    login(client, personas["admin_autre_certificateur"])
    assert client.get(reverse("staff:minutes", args=[deliberation.pk])).status_code == 404


def test_staff_start_a_correction_of_a_signed_decision(client, ops_version, personas):
    deliberation, (candidacy,) = decided(ops_version)
    jf.sign_all(deliberation)
    decision = deliberation.decisions.get()
    login(client, personas["responsable_epreuves"])
    html = client.get(reverse("staff:minutes", args=[deliberation.pk])).content.decode()
    url = reverse("staff:decision_correction", args=[decision.pk])
    assert url in html
    refused = client.post(url, {"title": "Recours", "on": "2026-01-01", "place": "Bron"})
    assert refused.status_code == 400
    assert "ne peut précéder" in refused.content.decode()
    missing = client.post(url, {"title": "", "on": "", "place": ""})
    assert missing.status_code == 400 and 'role="alert"' in missing.content.decode()
    response = client.post(url, {"title": "Recours de juin", "on": "2026-09-01", "place": "Bron"})
    assert response.status_code == 302
    new = Deliberation.objects.get(title="Recours de juin")
    assert [e.candidacy for e in new.entries.all()] == [candidacy]
    assert response.url == reverse("staff:deliberation", args=[new.pk])


def test_an_unsigned_decision_is_not_corrected_from_the_screen(client, ops_version, personas):
    deliberation, _ = decided(ops_version)
    decision = deliberation.decisions.get()
    login(client, personas["responsable_epreuves"])
    url = reverse("staff:decision_correction", args=[decision.pk])
    response = client.post(url, {"title": "Recours", "on": "2026-09-01", "place": "Bron"})
    assert response.status_code == 400
    assert "pas encore signée" in response.content.decode()
    assert Deliberation.objects.count() == 1


def test_the_staff_dossier_lists_decisions_in_constant_queries(client, ops_version, personas):
    deliberation, (candidacy,) = decided(ops_version)
    login(client, personas["responsable_epreuves"])
    url = reverse("staff:candidacy", args=[candidacy.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(url).content.decode()
        return len(ctx), html

    few, html = count()
    assert "Décisions du jury" in html and "Refus de validation" in html
    jf.sign_all(deliberation)
    new = corrections.start_correction(
        deliberation.decisions.get(), on=date(2026, 9, 1), place="Bron", title="Recours", actor=None
    )
    for user, role, external, organisation in jf.jury_users(new.certifier):
        deliberations.add_member(
            new, user, role=role, external=external, organisation=organisation, actor=None
        )
    deliberations.open_deliberation(new, actor=None)
    corrections.decide_correction(
        new,
        candidacy,
        correction_reason="Erreur matérielle.",
        blocks={},
        kind="refused",
        reason="Refus maintenu.",
        actor=None,
    )
    many, html = count()
    assert many == few
    assert "corrige la décision du 15/06/2026" in html and "Erreur matérielle." in html


def test_a_juror_without_the_role_anymore_cannot_sign(client, ops_version):
    deliberation, _ = decided(ops_version)
    minutes.close_deliberation(deliberation, actor=None)
    user = jf.member_users(deliberation)[0]
    user.memberships.filter(role=Role.JUROR).delete()
    login(client, user)
    url = reverse("jury:minutes", args=[deliberation.pk])
    assert client.post(url, {"action": "sign", "password": PASSWORD}).status_code == 403
    assert not MinutesSignature.objects.exists()
