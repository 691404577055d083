"""Survey campaigns through their verbs: who is invited, the e-mails, the personal link
(expiry, reuse, tampering, purpose), answers changed until closing, opt-out, reminders,
closing and pseudonymisation. The clock is injected (factories.NOW), never today's date."""

from datetime import date, timedelta

import pytest
from django.core import mail, signing
from django_tasks_db.models import DBTaskResult

from acquis.audit.models import AuditEvent
from acquis.followup import services, tokens
from acquis.followup.enums import CampaignStatus
from acquis.followup.exceptions import FollowupError
from acquis.followup.models import Answer, Invitation
from acquis.juries.enums import DecisionKind
from acquis.organisations.enums import Habilitation
from tests.followup.factories import EMPLOYED, NOW, campaign, decided, deliberation

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(ops_version, certifier, partner):
    partner.habilitation = Habilitation.PREPARE
    partner.save()
    d1 = deliberation(ops_version, certifier, date(2025, 3, 10))
    d2 = deliberation(ops_version, certifier, date(2025, 9, 1))  # outside the period
    return {
        "holder": decided(d1, partner=partner),
        "partial": decided(d1, kind=DecisionKind.PARTIAL),
        "refused": decided(d1, kind=DecisionKind.REFUSED),
        "unsigned": decided(d1, frozen=False),
        "later": decided(d2),
        "vae": decided(d1, vae=True, admissible=True, file_complete=True),
    }


def opened(ops_version, certifier, **kw):
    c = campaign(ops_version, certifier, **kw)
    services.open_campaign(c, actor=None, now=NOW)
    return c


def test_opening_invites_the_holders_of_the_period_and_hands_the_emails_to_the_worker(
    world, ops_version, certifier, partner
):
    c = opened(ops_version, certifier)
    invited = {i.decision_id: i for i in c.invitations.all()}
    assert set(invited) == {world["holder"].pk, world["vae"].pk}
    holder = invited[world["holder"].pk]
    assert (holder.pathway, holder.partner, holder.decided_on) == (
        "training",
        partner,
        date(2025, 3, 10),
    )
    assert DBTaskResult.objects.filter(
        task_path="acquis.followup.services.send_campaign_invitations", status="READY"
    ).exists()
    assert AuditEvent.objects.filter(verb="followup.campaign.open", to_state="open").exists()

    result = services.send_invitations(c, now=NOW)
    assert (result.sent, len(mail.outbox)) == (2, 2)
    body = mail.outbox[0].body
    assert "/enquete/" in body and "France Compétences" in body  # why the data is collected
    assert services.send_invitations(c, now=NOW).sent == 0  # only what is missing


def test_partial_validations_are_surveyed_when_the_campaign_says_so(world, ops_version, certifier):
    c = opened(ops_version, certifier, include_partial=True)
    assert world["partial"].pk in set(c.invitations.values_list("decision", flat=True))
    assert c.invitations.get(decision=world["partial"]).population == "partial"


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"decided_to": date(2024, 1, 1)}, "finit avant de commencer"),
        ({"closes_on": date(2025, 12, 30)}, "doit suivre la date"),
    ],
)
def test_bad_campaigns_are_refused(ops_version, certifier, kw, message):
    with pytest.raises(FollowupError, match=message):
        campaign(ops_version, certifier, **kw)


def test_a_campaign_does_not_open_before_everyone_reached_the_delay(world, ops_version, certifier):
    c = campaign(
        ops_version, certifier, decided_to=date(2025, 12, 31), closes_on=date(2026, 12, 31)
    )
    with pytest.raises(FollowupError, match="n'atteignent le délai de 6 mois que le 30/06/2026"):
        services.open_campaign(c, actor=None, now=NOW)
    assert not Invitation.objects.exists()
    c.refresh_from_db()
    assert c.status == CampaignStatus.DRAFT


def _token(ops_version, certifier, purpose="answer"):
    c = opened(ops_version, certifier)
    invitation = c.invitations.order_by("pk").first()
    return invitation, tokens.make_token(invitation, purpose)


def test_the_link_works_without_account_and_answers_change_until_closing(
    world, ops_version, certifier
):
    invitation, token = _token(ops_version, certifier)
    answer = services.submit_answer(token, EMPLOYED, now=NOW)
    assert answer.in_targeted_job and answer.contract_type == "permanent"
    changed = services.submit_answer(
        token, {"situation": "job_seeker", "helped": "somewhat"}, now=NOW + timedelta(days=3)
    )
    assert changed.pk == answer.pk and Answer.objects.count() == 1
    assert (changed.situation, changed.in_targeted_job, changed.contract_type) == (
        "job_seeker",
        False,
        "",
    )
    assert changed.submitted_at == NOW and changed.updated_at == NOW + timedelta(days=3)


def test_an_expired_link_is_refused(world, ops_version, certifier):
    _, token = _token(ops_version, certifier)
    after = NOW.replace(year=2026, month=5, day=1)  # closes_on 30/04/2026
    with pytest.raises(FollowupError, match="a expiré : l'enquête est close depuis le 30/04/2026"):
        services.submit_answer(token, EMPLOYED, now=after)
    assert not Answer.objects.exists()


def test_a_tampered_link_or_one_for_another_purpose_is_refused(world, ops_version, certifier):
    invitation, token = _token(ops_version, certifier)
    forged = signing.dumps({"i": invitation.pk, "n": invitation.nonce, "e": "2099-01-01"})
    opt_out = tokens.make_token(invitation, "opt-out")
    for bad in (token[:-2] + "xy", token + "a", forged, opt_out, "", "abc:def"):
        with pytest.raises(FollowupError, match="n'est pas valide"):
            tokens.invitation_for(bad, "answer", now=NOW)
    with pytest.raises(FollowupError, match="n'est pas valide"):
        services.opt_out(token, now=NOW)  # an answer link does not opt out


def test_a_link_is_dead_once_the_campaign_closes_or_is_pseudonymised(world, ops_version, certifier):
    invitation, token = _token(ops_version, certifier)
    services.close_campaign(invitation.campaign, actor=None, now=NOW)
    with pytest.raises(FollowupError, match="close"):
        services.submit_answer(token, EMPLOYED, now=NOW)
    services.pseudonymise_campaign(invitation.campaign, actor=None, now=NOW)
    invitation.refresh_from_db()
    assert (invitation.decision, invitation.email, invitation.nonce) == (None, "", "")
    with pytest.raises(FollowupError, match="n'est pas valide"):
        tokens.invitation_for(token, "answer", now=NOW)


def test_opting_out_stops_reminders_and_answers(world, ops_version, certifier):
    invitation, token = _token(ops_version, certifier)
    services.submit_answer(token, EMPLOYED, now=NOW)
    services.opt_out(tokens.make_token(invitation, "opt-out"), now=NOW)
    assert not Answer.objects.exists()
    with pytest.raises(FollowupError, match="refusé cette enquête"):
        services.submit_answer(token, EMPLOYED, now=NOW)


def test_employed_answers_need_a_contract_and_a_known_targeted_job(world, ops_version, certifier):
    _, token = _token(ops_version, certifier)
    with pytest.raises(FollowupError, match="Contrat"):
        services.submit_answer(token, EMPLOYED | {"contract_type": ""}, now=NOW)
    with pytest.raises(FollowupError, match="Métier visé inconnu"):
        services.submit_answer(token, EMPLOYED | {"targeted_job": "astronaute"}, now=NOW)


def test_reminders_go_to_who_has_not_answered_after_the_delay_at_most_twice(
    world, ops_version, certifier
):
    c = opened(ops_version, certifier)
    services.send_invitations(c, now=NOW)
    first, second = c.invitations.order_by("pk")
    services.submit_answer(tokens.make_token(first), EMPLOYED, now=NOW)
    mail.outbox.clear()
    assert services.send_reminders(now=NOW + timedelta(days=13)) == 0
    assert services.send_reminders(now=NOW + timedelta(days=14)) == 1
    assert mail.outbox[0].to == [second.email] and "Rappel" in mail.outbox[0].subject
    assert services.send_reminders(now=NOW + timedelta(days=20)) == 0
    assert services.send_reminders(now=NOW + timedelta(days=28)) == 1
    assert services.send_reminders(now=NOW + timedelta(days=50)) == 0  # two at most


def test_the_daily_run_closes_due_campaigns_then_pseudonymises_after_the_retention(
    world, ops_version, certifier, settings
):
    c = opened(ops_version, certifier)
    assert services.daily(now=NOW)["closed"] == 0
    after = NOW.replace(month=5, day=1)
    assert services.daily(now=after)["closed"] == 1
    c.refresh_from_db()
    assert c.status == CampaignStatus.CLOSED
    days = settings.ACQUIS_RETENTION["survey_answers_link"]
    assert services.daily(now=after + timedelta(days=days - 1))["pseudonymised"] == 0
    assert services.daily(now=after + timedelta(days=days))["pseudonymised"] == 2
    assert not Invitation.objects.filter(decision__isnull=False).exists()


def test_erasing_a_candidate_cuts_their_survey_answers_from_them(world, ops_version, certifier):
    from acquis.rgpd.erasure import erase_candidate

    invitation, token = _token(ops_version, certifier)
    services.submit_answer(token, EMPLOYED, now=NOW)
    erase_candidate(invitation.decision.candidacy.candidate, actor=None)
    invitation.refresh_from_db()
    assert (invitation.decision, invitation.email, invitation.nonce) == (None, "", "")
    assert Answer.objects.get().invitation == invitation  # the anonymous answer stays


def test_the_rgpd_export_holds_the_survey_answers_until_pseudonymised(
    world, ops_version, certifier
):
    import io
    import json
    import zipfile

    from acquis.rgpd.export import export_candidate

    invitation, token = _token(ops_version, certifier)
    services.submit_answer(token, EMPLOYED, now=NOW)
    candidate = invitation.decision.candidacy.candidate
    data = json.loads(
        zipfile.ZipFile(io.BytesIO(export_candidate(candidate, actor=None))).read("donnees.json")
    )
    assert [a["situation"] for a in data["reponses_aux_enquetes"]] == ["employed"]
    assert data["enquetes_d_insertion"][0]["id"] == invitation.pk


def test_invitations_without_address_are_sent_once_an_address_is_known(
    world, ops_version, certifier
):
    holder = world["holder"].candidacy.candidate
    holder.email = ""
    holder.save()
    c = opened(ops_version, certifier)
    assert services.send_invitations(c, now=NOW).without_email == 1
    with pytest.raises(FollowupError, match="Aucune invitation à envoyer"):
        services.resend_invitations(c, actor=None, now=NOW)
    holder.email = "nouvelle@exemple.fr"
    holder.save()
    assert services.resend_invitations(c, actor=None, now=NOW) == 1
    mail.outbox.clear()
    assert services.send_invitations(c, now=NOW).sent == 1
    assert mail.outbox[0].to == ["nouvelle@exemple.fr"]


def test_a_campaign_opens_once(world, ops_version, certifier):
    c = opened(ops_version, certifier)
    with pytest.raises(FollowupError, match="la campagne est « Ouverte »"):
        services.open_campaign(c, actor=None, now=NOW)
    assert c.invitations.count() == 2
