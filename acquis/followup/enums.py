"""Survey campaigns: states and moves as data, and the closed lists of the form."""

from django.db import models


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "En préparation"
    OPEN = "open", "Ouverte"
    CLOSED = "closed", "Close"


# (from, to): verb. The audit event is "followup.campaign.<verb>".
CAMPAIGN_TRANSITIONS = {
    (CampaignStatus.DRAFT, CampaignStatus.OPEN): "open",
    (CampaignStatus.OPEN, CampaignStatus.CLOSED): "close",
}


class Situation(models.TextChoices):
    EMPLOYED = "employed", "En emploi (salarié, indépendant, fonctionnaire…)"
    JOB_SEEKER = "job_seeker", "En recherche d'emploi"
    TRAINING = "training", "En formation ou en études"
    OTHER = "other", "Autre situation"


class ContractType(models.TextChoices):
    PERMANENT = "permanent", "CDI"
    FIXED_TERM = "fixed_term", "CDD"
    TEMPORARY = "temporary", "Intérim"
    CIVIL_SERVANT = "civil_servant", "Fonctionnaire ou contractuel de la fonction publique"
    SELF_EMPLOYED = "self_employed", "Indépendant, création ou reprise d'entreprise"
    WORK_STUDY = "work_study", "Alternance (apprentissage, professionnalisation)"
    SUBSIDISED = "subsidised", "Contrat aidé ou d'insertion"
    OTHER = "other", "Autre"


class WorkingTime(models.TextChoices):
    FULL = "full", "Temps plein"
    PART = "part", "Temps partiel"


class Sector(models.TextChoices):
    INSERTION = "insertion", "Insertion, emploi, formation"
    SOCIAL = "social", "Action sociale, médico-social"
    PUBLIC = "public", "Administration, collectivité"
    OTHER = "other", "Autre secteur"


class Helped(models.TextChoices):
    A_LOT = "a_lot", "Oui, beaucoup"
    SOMEWHAT = "somewhat", "Oui, un peu"
    NOT_AT_ALL = "not_at_all", "Non"


class Population(models.TextChoices):
    HOLDER = "holder", "Titulaire (validation totale)"
    PARTIAL = "partial", "Validation partielle"


class SatisfactionKind(models.TextChoices):
    SITTING = "sitting", "Après une session d'évaluation (candidats)"
    DELIBERATION = "deliberation", "Après une délibération (membres du jury)"


class Rating(models.TextChoices):
    VERY = "4", "Très satisfait(e)"
    RATHER = "3", "Plutôt satisfait(e)"
    LITTLE = "2", "Peu satisfait(e)"
    NOT = "1", "Pas satisfait(e)"
