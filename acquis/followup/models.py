"""Insertion surveys of holders: campaigns, one invitation per decision, one answer each.

An invitation keeps, from the moment it is created, what the indicators group on (pathway,
cohort, partner, decision date and kind): once the campaign no longer needs to know who
answered, the link to the person (decision, e-mail, link nonce) is cleared
(services.pseudonymise_campaign) and the figures stay the same.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from acquis.candidates.enums import Pathway
from acquis.followup.enums import (
    CAMPAIGN_TRANSITIONS,
    CampaignStatus,
    ContractType,
    Helped,
    Population,
    Rating,
    SatisfactionKind,
    Sector,
    Situation,
    WorkingTime,
)
from acquis.workflow import verbs_from


class CampaignQuerySet(models.QuerySet):
    def for_certifiers(self, certifiers):
        return self.filter(certifier__in=certifiers)


class Campaign(models.Model):
    certifier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        related_name="survey_campaigns",
    )
    certification = models.ForeignKey(
        "referential.Certification",
        verbose_name="certification",
        on_delete=models.PROTECT,
        related_name="survey_campaigns",
    )
    title = models.CharField("intitulé", max_length=160)
    delay_months = models.PositiveSmallIntegerField("délai après la décision (mois)", default=6)
    decided_from = models.DateField("décisions du")
    decided_to = models.DateField("décisions au")
    cohort = models.ForeignKey(
        "candidates.Cohort",
        verbose_name="promotion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_campaigns",
    )
    include_partial = models.BooleanField(
        "interroger aussi les validations partielles", default=False
    )
    closes_on = models.DateField("clôture le")
    reminder_days = models.PositiveSmallIntegerField("relance après (jours)", default=14)
    status = models.CharField(
        "état", max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("créée le")
    opened_at = models.DateTimeField("ouverte le", null=True, blank=True)
    closed_at = models.DateTimeField("close le", null=True, blank=True)
    pseudonymised_at = models.DateTimeField("réponses pseudonymisées le", null=True, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "campagne d'enquête"
        verbose_name_plural = "campagnes d'enquête"
        ordering = ["-decided_to", "delay_months", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_from__lte=models.F("decided_to")),
                name="campaign_period_ordered",
                violation_error_message="La période de décisions finit avant de commencer.",
            ),
            models.CheckConstraint(
                condition=Q(delay_months__gte=1),
                name="campaign_delay_positive",
                violation_error_message="Le délai est d'au moins un mois.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CampaignStatus.values),
                name="campaign_status_valid",
                violation_error_message="État de campagne inconnu.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # What the state allows, read from CAMPAIGN_TRANSITIONS.
    @property
    def can_open(self) -> bool:
        return "open" in verbs_from(CAMPAIGN_TRANSITIONS, self.status)

    @property
    def can_close(self) -> bool:
        return "close" in verbs_from(CAMPAIGN_TRANSITIONS, self.status)

    @property
    def is_open(self) -> bool:
        return self.status == CampaignStatus.OPEN


class Invitation(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name="campagne", on_delete=models.PROTECT, related_name="invitations"
    )
    # The link to the person: cleared by the pseudonymisation.
    decision = models.ForeignKey(
        "juries.Decision",
        verbose_name="décision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_invitations",
    )
    email = models.EmailField("adresse électronique", blank=True)
    nonce = models.CharField("clé du lien", max_length=32, blank=True)
    # What the indicators group on, copied when the invitation is created.
    population = models.CharField("population", max_length=10, choices=Population.choices)
    pathway = models.CharField("voie d'accès", max_length=10, choices=Pathway.choices)
    cohort = models.ForeignKey(
        "candidates.Cohort",
        verbose_name="promotion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    partner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="organisme partenaire",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on = models.DateField("date de la décision")
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    reminders = models.PositiveSmallIntegerField("relances", default=0)
    reminded_at = models.DateTimeField("relancée le", null=True, blank=True)
    opted_out_at = models.DateTimeField("refus de l'enquête le", null=True, blank=True)

    class Meta:
        verbose_name = "invitation à l'enquête"
        verbose_name_plural = "invitations à l'enquête"
        ordering = ["campaign", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "decision"],
                name="one_invitation_per_decision",
                violation_error_message="Cette personne est déjà invitée à cette campagne.",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation n° {self.pk} ({self.campaign})"


class Answer(models.Model):
    invitation = models.OneToOneField(
        Invitation, verbose_name="invitation", on_delete=models.PROTECT, related_name="answer"
    )
    situation = models.CharField("situation", max_length=12, choices=Situation.choices)
    job_title = models.CharField("emploi occupé", max_length=160, blank=True)
    targeted_job = models.CharField("métier visé correspondant", max_length=255, blank=True)
    in_targeted_job = models.BooleanField("dans un métier visé", default=False)
    contract_type = models.CharField(
        "contrat", max_length=16, choices=ContractType.choices, blank=True
    )
    working_time = models.CharField(
        "temps de travail", max_length=6, choices=WorkingTime.choices, blank=True
    )
    sector = models.CharField("secteur", max_length=10, choices=Sector.choices, blank=True)
    helped = models.CharField("la certification a aidé", max_length=12, choices=Helped.choices)
    submitted_at = models.DateTimeField("répondu le")
    updated_at = models.DateTimeField("modifiée le")

    class Meta:
        verbose_name = "réponse à l'enquête"
        verbose_name_plural = "réponses à l'enquête"
        constraints = [
            models.CheckConstraint(
                condition=Q(situation=Situation.EMPLOYED) | Q(in_targeted_job=False),
                name="answer_targeted_job_only_when_employed",
                violation_error_message="Seule une personne en emploi occupe un métier visé.",
            ),
            models.CheckConstraint(
                condition=~Q(situation=Situation.EMPLOYED) | ~Q(contract_type=""),
                name="answer_contract_when_employed",
                violation_error_message="Le contrat est demandé à une personne en emploi.",
            ),
        ]

    def __str__(self) -> str:
        return f"Réponse n° {self.pk}"


class SatisfactionRequest(models.Model):
    """A short satisfaction survey sent to one person after a sitting (candidate) or a
    deliberation (jury member); the link works until `expires_on`."""

    kind = models.CharField("enquête", max_length=12, choices=SatisfactionKind.choices)
    session = models.ForeignKey(
        "evaluations.EvaluationSession",
        verbose_name="session d'évaluation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deliberation = models.ForeignKey(
        "juries.Deliberation",
        verbose_name="délibération",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    candidacy = models.ForeignKey(
        "candidates.Candidacy",
        verbose_name="candidature",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="membre du jury",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    email = models.EmailField("adresse électronique", blank=True)
    nonce = models.CharField("clé du lien", max_length=32, blank=True)
    expires_on = models.DateField("lien valable jusqu'au")
    created_at = models.DateTimeField("créée le")
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)

    class Meta:
        verbose_name = "enquête de satisfaction"
        verbose_name_plural = "enquêtes de satisfaction"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=SatisfactionKind.SITTING, session__isnull=False, deliberation=None)
                    | Q(
                        kind=SatisfactionKind.DELIBERATION, deliberation__isnull=False, session=None
                    )
                ),
                name="satisfaction_after_one_event",
                violation_error_message="Une enquête suit une session ou une délibération.",
            ),
            models.UniqueConstraint(
                fields=["session", "candidacy"],
                name="one_satisfaction_per_candidacy_and_session",
                violation_error_message="Cette personne a déjà reçu cette enquête.",
            ),
            models.UniqueConstraint(
                fields=["deliberation", "member"],
                name="one_satisfaction_per_member_and_deliberation",
                violation_error_message="Cette personne a déjà reçu cette enquête.",
            ),
        ]

    def __str__(self) -> str:
        return f"Enquête de satisfaction n° {self.pk}"


class SatisfactionAnswer(models.Model):
    request = models.OneToOneField(
        SatisfactionRequest,
        verbose_name="enquête",
        on_delete=models.PROTECT,
        related_name="answer",
    )
    overall = models.CharField("satisfaction d'ensemble", max_length=1, choices=Rating.choices)
    organisation = models.CharField(
        "organisation et information", max_length=1, choices=Rating.choices
    )
    comment = models.TextField("commentaire", max_length=1000, blank=True)
    submitted_at = models.DateTimeField("répondu le")

    class Meta:
        verbose_name = "réponse de satisfaction"
        verbose_name_plural = "réponses de satisfaction"

    def __str__(self) -> str:
        return f"Avis n° {self.pk}"
