"""Verbs of the insertion surveys: prepare, open (invite), send, remind, answer, opt out,
close, pseudonymise. Each is atomic, takes `now=` (the clock is injected) and raises
FollowupError with a French message.

Who is surveyed: the people with a decision in force (PV signed, not corrected: the same
rule as the statistics, `exports.statistics.decisions_in_force`) of the campaign's
certifier and certification, whose deliberation date falls in the campaign's period (and
cohort, when given): holders (total validation), and partial validations when the campaign
says so. Refusals are never surveyed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from acquis.audit.services import record_event
from acquis.emails.enums import EmailKind
from acquis.emails.services import render, send_email
from acquis.exports.accrochage import add_months
from acquis.exports.statistics import decisions_in_force
from acquis.followup import tokens
from acquis.followup.enums import CAMPAIGN_TRANSITIONS, CampaignStatus, Population, Situation
from acquis.followup.exceptions import FollowupError
from acquis.followup.models import Answer, Campaign, Invitation
from acquis.juries.enums import DecisionKind
from acquis.juries.notifications import candidate_email
from acquis.workflow import Workflow

logger = logging.getLogger(__name__)

CAMPAIGN_WORKFLOW = Workflow(
    event_prefix="followup.campaign.",
    table=CAMPAIGN_TRANSITIONS,
    error=FollowupError,
    refusal=lambda campaign, to: (
        f"Action impossible : la campagne est « {campaign.get_status_display()} »."
    ),
)


def setting(name: str):
    return settings.ACQUIS_FOLLOWUP[name]


# --- preparing -------------------------------------------------------------------------------


@transaction.atomic
def create_campaign(
    *,
    certifier,
    certification,
    title: str,
    decided_from,
    decided_to,
    closes_on,
    delay_months: int = 6,
    cohort=None,
    include_partial: bool | None = None,
    reminder_days: int = 14,
    actor,
    now=None,
) -> Campaign:
    now = now or timezone.now()
    if decided_to < decided_from:
        raise FollowupError("La période de décisions finit avant de commencer (« au »).")
    if delay_months < 1:
        raise FollowupError("Le délai après la décision est d'au moins un mois.")
    if closes_on <= due_on(decided_to, delay_months):
        raise FollowupError(
            "La date de clôture doit suivre la date où chaque personne atteint le délai "
            f"({due_on(decided_to, delay_months):%d/%m/%Y})."
        )
    if cohort is not None and cohort.certifier_id != certifier.pk:
        raise FollowupError("Promotion inconnue de ce certificateur.")
    if include_partial is None:
        include_partial = setting("include_partial")
    campaign = Campaign.objects.create(
        certifier=certifier,
        certification=certification,
        title=title.strip()[:160],
        delay_months=delay_months,
        decided_from=decided_from,
        decided_to=decided_to,
        cohort=cohort,
        include_partial=include_partial,
        closes_on=closes_on,
        reminder_days=reminder_days,
        created_by=actor if actor is not None and actor.pk else None,
        created_at=now,
    )
    record_event(
        "followup.campaign.create",
        campaign,
        actor=actor,
        to_state=CampaignStatus.DRAFT,
        payload={"delay_months": delay_months, "decided_from": str(decided_from)},
    )
    return campaign


def due_on(decided_to, delay_months: int):
    """The day the last person of the period reaches the delay."""
    return add_months(decided_to, delay_months)


def population(campaign: Campaign):
    """The decisions in force whose people the campaign surveys."""
    kinds = [DecisionKind.TOTAL]
    if campaign.include_partial:
        kinds.append(DecisionKind.PARTIAL)
    decisions = decisions_in_force([campaign.certifier]).filter(
        candidacy__version__certification=campaign.certification,
        deliberation__date__gte=campaign.decided_from,
        deliberation__date__lte=campaign.decided_to,
        kind__in=kinds,
    )
    if campaign.cohort_id:
        decisions = decisions.filter(candidacy__cohort=campaign.cohort_id)
    return decisions.select_related(
        "deliberation", "candidacy", "candidacy__candidate", "candidacy__candidate__user"
    ).order_by("deliberation__date", "pk")


@transaction.atomic
def open_campaign(campaign: Campaign, *, actor, now=None) -> int:
    """Invite everyone of the population and hand the e-mails to the worker; the number
    invited."""
    now = now or timezone.now()
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status != CampaignStatus.DRAFT:
        raise FollowupError(
            f"Action impossible : la campagne est « {locked.get_status_display()} »."
        )
    today = timezone.localdate(now)
    due = due_on(campaign.decided_to, campaign.delay_months)
    if today < due:
        raise FollowupError(
            f"Trop tôt : les personnes décidées jusqu'au {campaign.decided_to:%d/%m/%Y} "
            f"n'atteignent le délai de {campaign.delay_months} mois que le {due:%d/%m/%Y}."
        )
    if today > campaign.closes_on:
        raise FollowupError(f"La date de clôture ({campaign.closes_on:%d/%m/%Y}) est passée.")
    invitations = [
        Invitation(
            campaign=campaign,
            decision=decision,
            email=candidate_email(decision.candidacy.candidate),
            nonce=tokens.new_nonce(),
            population=(
                Population.HOLDER if decision.kind == DecisionKind.TOTAL else Population.PARTIAL
            ),
            pathway=decision.candidacy.pathway,
            cohort_id=decision.candidacy.cohort_id,
            partner_id=decision.candidacy.partner_id,
            decided_on=decision.deliberation.date,
        )
        for decision in population(campaign)
    ]
    if not invitations:
        raise FollowupError("Personne à interroger : aucune décision en vigueur sur cette période.")
    Invitation.objects.bulk_create(invitations)
    CAMPAIGN_WORKFLOW.apply(
        campaign,
        CampaignStatus.OPEN,
        actor=actor,
        fields={"opened_at": now},
        payload={"invited": len(invitations)},
    )
    # The database backend writes the task in this transaction: it runs once committed.
    send_campaign_invitations.enqueue(campaign.pk)
    return len(invitations)


# --- e-mails (the worker) -----------------------------------------------------------------


@dataclass
class Sending:
    sent: int = 0
    without_email: int = 0
    failed: int = 0
    details: list[str] = field(default_factory=list)


def _mail(invitation: Invitation, template: str) -> bool:
    campaign = invitation.campaign
    context = {
        "campaign": campaign,
        "certification": campaign.certification.title,
        "certifier": settings.ACQUIS_CERTIFIER_DISPLAY_NAME or campaign.certifier.name,
        "answer_url": tokens.link(invitation, "answer"),
        "opt_out_url": tokens.link(invitation, "opt-out"),
    }
    subject, body = render(f"survey_{template}", context)
    log = send_email(
        kind=EmailKind.SURVEY,
        to=invitation.email,
        subject=subject,
        body=body,
        certifier=campaign.certifier,
        candidacy=invitation.decision.candidacy if invitation.decision_id else None,
    )
    if log.failed:
        logger.warning("Survey e-mail to invitation %s failed", invitation.pk)
        return False
    return True


def send_invitations(campaign: Campaign, *, now=None) -> Sending:
    """E-mail every invitation of an open campaign not sent yet (calling again sends only
    what is missing)."""
    now = now or timezone.now()
    result = Sending()
    if not campaign.is_open:
        return result
    pending = campaign.invitations.filter(
        sent_at__isnull=True, opted_out_at__isnull=True
    ).select_related("campaign", "campaign__certification", "campaign__certifier")
    for invitation in pending:
        if not invitation.email:
            result.without_email += 1
        elif _mail(invitation, "invitation"):
            Invitation.objects.filter(pk=invitation.pk).update(sent_at=now)
            result.sent += 1
        else:
            result.failed += 1
    return result


@transaction.atomic
def resend_invitations(campaign: Campaign, *, actor, now=None) -> int:
    """Hand again to the worker the invitations not sent yet (an address added since the
    opening, a failed e-mail); the number pending."""
    if not campaign.is_open:
        raise FollowupError("Seule une campagne ouverte envoie des invitations.")
    pending = campaign.invitations.filter(
        sent_at__isnull=True, opted_out_at__isnull=True, decision__isnull=False
    ).select_related("decision__candidacy__candidate__user")
    count = 0
    for invitation in pending:
        email = candidate_email(invitation.decision.candidacy.candidate)
        if email != invitation.email:
            Invitation.objects.filter(pk=invitation.pk).update(email=email)
        count += bool(email)
    if not count:
        raise FollowupError("Aucune invitation à envoyer : toutes sont parties ou sans adresse.")
    record_event("followup.campaign.resend", campaign, actor=actor, payload={"pending": count})
    send_campaign_invitations.enqueue(campaign.pk)
    return count


@task()
def send_campaign_invitations(campaign_id: int) -> dict:
    campaign = Campaign.objects.get(pk=campaign_id)
    result = send_invitations(campaign)
    return {"sent": result.sent, "without_email": result.without_email, "failed": result.failed}


def send_reminders(*, now=None) -> int:
    """Remind who has not answered, `reminder_days` after the last e-mail, at most
    ACQUIS_FOLLOWUP["reminders"] times (daily maintenance)."""
    now = now or timezone.now()
    count = 0
    for campaign in Campaign.objects.filter(status=CampaignStatus.OPEN).select_related(
        "certification", "certifier"
    ):
        if timezone.localdate(now) > campaign.closes_on:
            continue
        last_before = now - timedelta(days=campaign.reminder_days)
        due = campaign.invitations.filter(
            sent_at__lte=last_before,
            answer__isnull=True,
            opted_out_at__isnull=True,
            reminders__lt=setting("reminders"),
        ).exclude(reminded_at__gt=last_before)
        for invitation in due:
            invitation.campaign = campaign
            if invitation.email and _mail(invitation, "reminder"):
                Invitation.objects.filter(pk=invitation.pk).update(
                    reminders=invitation.reminders + 1, reminded_at=now
                )
                count += 1
    return count


# --- the person's side --------------------------------------------------------------------


def answer_of(invitation: Invitation) -> Answer | None:
    try:
        return invitation.answer
    except Answer.DoesNotExist:
        return None


def targeted_jobs(campaign: Campaign) -> list[dict]:
    """The jobs the certification targets (its latest published version's list)."""
    version = campaign.certification.latest_published()
    return list(version.targeted_jobs) if version is not None else []


@transaction.atomic
def submit_answer(token: str, data: dict, *, now=None) -> Answer:
    """Record or change the answer of the link's person (until the campaign closes).

    `data`: situation, helped; when employed, job_title, targeted_job (one title of the
    list, or "" for none), contract_type, working_time, sector."""
    now = now or timezone.now()
    invitation = tokens.invitation_for(token, "answer", now=now)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.opted_out_at is not None:
        raise FollowupError("Vous avez refusé cette enquête : aucune réponse n'est enregistrée.")
    employed = data.get("situation") == Situation.EMPLOYED
    titles = [job["title"] for job in targeted_jobs(invitation.campaign)]
    targeted = data.get("targeted_job", "") if employed else ""
    if targeted and targeted not in titles:
        raise FollowupError("Métier visé inconnu : choisissez-le dans la liste.")
    if employed and not data.get("contract_type"):
        raise FollowupError("Contrat : indiquez le type de contrat de votre emploi.")
    values = {
        "situation": data["situation"],
        "helped": data["helped"],
        "job_title": (data.get("job_title") or "").strip()[:160] if employed else "",
        "targeted_job": targeted,
        "in_targeted_job": bool(targeted),
        "contract_type": data.get("contract_type", "") if employed else "",
        "working_time": data.get("working_time", "") if employed else "",
        "sector": data.get("sector", "") if employed else "",
        "updated_at": now,
    }
    answer = answer_of(invitation)
    if answer is None:
        answer = Answer.objects.create(invitation=invitation, submitted_at=now, **values)
        verb = "followup.answer.submit"
    else:
        for name, value in values.items():
            setattr(answer, name, value)
        answer.save()
        verb = "followup.answer.change"
    # No answer content in the audit trail: it stays pseudonymisable.
    record_event(verb, invitation, actor=None, object_repr=f"Invitation n° {invitation.pk}")
    return answer


@transaction.atomic
def opt_out(token: str, *, now=None) -> Invitation:
    """The person refuses the survey: no reminder, no answer kept."""
    now = now or timezone.now()
    invitation = tokens.invitation_for(token, "opt-out", now=now)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.opted_out_at is None:
        Answer.objects.filter(invitation=invitation).delete()
        invitation.opted_out_at = now
        invitation.save(update_fields=["opted_out_at"])
        record_event(
            "followup.invitation.opt_out",
            invitation,
            actor=None,
            object_repr=f"Invitation n° {invitation.pk}",
        )
    return invitation


# --- closing and RGPD ---------------------------------------------------------------------


def close_campaign(campaign: Campaign, *, actor, now=None) -> Campaign:
    now = now or timezone.now()
    return CAMPAIGN_WORKFLOW.apply(
        campaign, CampaignStatus.CLOSED, actor=actor, fields={"closed_at": now}
    )


def close_due_campaigns(*, now=None) -> int:
    """Close the open campaigns whose closing day has passed (daily maintenance)."""
    now = now or timezone.now()
    due = Campaign.objects.filter(status=CampaignStatus.OPEN, closes_on__lt=timezone.localdate(now))
    return sum(1 for campaign in due if close_campaign(campaign, actor=None, now=now))


@transaction.atomic
def pseudonymise_campaign(campaign: Campaign, *, actor, now=None) -> int:
    """Cut the answers from the people: decision, e-mail and link key are cleared; what the
    indicators need (pathway, cohort, partner, decision date) stays."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.CLOSED:
        raise FollowupError("Seule une campagne close peut être pseudonymisée.")
    if campaign.pseudonymised_at is not None:
        return 0
    count = campaign.invitations.update(decision=None, email="", nonce="")
    campaign.pseudonymised_at = now
    campaign.save(update_fields=["pseudonymised_at"])
    record_event(
        "followup.campaign.pseudonymise", campaign, actor=actor, payload={"invitations": count}
    )
    return count


def pseudonymise_due(*, now=None) -> int:
    """Campaigns closed for longer than ACQUIS_RETENTION["survey_answers_link"] days."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.ACQUIS_RETENTION["survey_answers_link"])
    due = Campaign.objects.filter(
        status=CampaignStatus.CLOSED, pseudonymised_at__isnull=True, closed_at__lte=limit
    )
    return sum(pseudonymise_campaign(campaign, actor=None, now=now) for campaign in due)


def daily(*, now=None) -> dict:
    """The surveys' part of the daily maintenance."""
    now = now or timezone.now()
    return {
        "closed": close_due_campaigns(now=now),
        "reminded": send_reminders(now=now),
        "pseudonymised": pseudonymise_due(now=now),
    }
