"""States and codes of certification juries and decisions, declared once as data."""

from django.db import models


class JuryKind(models.TextChoices):
    CERTIFICATION = "certification", "Jury de certification"
    VAE = "vae", "Jury VAE"


# Which referential rule gives the composition of each kind of jury.
JURY_RULE_KEY = {JuryKind.CERTIFICATION: "certification_jury", JuryKind.VAE: "vae_jury"}


class JuryRole(models.TextChoices):
    """The member roles of the built-in referential (OPS Conseil). Another title names its
    own roles in rules.certification_jury / rules.vae_jury: a member's role is any role of
    its deliberation's referential (composition.roles_of), labelled as the referential says."""

    EMPLOYER_REPRESENTATIVE = "employer_representative", "Représentant employeurs"
    EMPLOYEE_REPRESENTATIVE = "employee_representative", "Représentant salariés"
    CERTIFIER_TRAINER = "certifier_trainer", "Formateur de l'organisme certificateur"


class DeliberationStatus(models.TextChoices):
    PREPARED = "prepared", "En préparation"
    OPEN = "open", "En délibération"
    SIGNING = "signing", "Procès-verbal à signer"
    SIGNED = "signed", "Procès-verbal signé"


# (from, to) -> verb. Opening needs a lawful jury, all present; closing needs every candidate
# decided and generates the minutes; the last signature freezes the decisions.
DELIBERATION_TRANSITIONS = {
    (DeliberationStatus.PREPARED, DeliberationStatus.OPEN): "open",
    (DeliberationStatus.OPEN, DeliberationStatus.PREPARED): "suspend",
    (DeliberationStatus.OPEN, DeliberationStatus.SIGNING): "close",
    (DeliberationStatus.SIGNING, DeliberationStatus.OPEN): "reopen",  # only before any signature
    (DeliberationStatus.SIGNING, DeliberationStatus.SIGNED): "sign",
}


class DecisionKind(models.TextChoices):
    """The three decisions of the referential (rules.decisions)."""

    TOTAL = "total", "Validation totale"
    PARTIAL = "partial", "Validation partielle"
    REFUSED = "refused", "Refus de validation"


# Decisions that need a written reason whatever the proposal.
REASON_REQUIRED = (DecisionKind.PARTIAL, DecisionKind.REFUSED)
