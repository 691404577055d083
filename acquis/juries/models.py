"""Certification and VAE juries: deliberations, decisions, held blocks (ledger), minutes.

A decision is a legal record: once the minutes (PV) of its deliberation are signed by every
member, it is frozen (`frozen`), and `save()` refuses any change to a frozen row whatever the
entry point (services, admin, forms). A correction is a new decision that refers to the old
one (`corrects`), decided in a new deliberation with its own signed minutes.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from acquis.juries.enums import (
    DELIBERATION_TRANSITIONS,
    DecisionKind,
    DeliberationStatus,
    JuryKind,
)
from acquis.juries.exceptions import FrozenDecisionError
from acquis.juries.roles import jury_rules, role_label
from acquis.workflow import is_final, verbs_from


class Deliberation(models.Model):
    certifier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        related_name="deliberations",
    )
    version = models.ForeignKey(
        "referential.CertificationVersion",
        verbose_name="référentiel",
        on_delete=models.PROTECT,
        related_name="deliberations",
    )
    kind = models.CharField("jury", max_length=20, choices=JuryKind.choices)
    title = models.CharField("intitulé", max_length=160)
    date = models.DateField("date de délibération")
    place = models.CharField("lieu", max_length=255)
    status = models.CharField(
        "état",
        max_length=20,
        choices=DeliberationStatus.choices,
        default=DeliberationStatus.PREPARED,
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "délibération"
        verbose_name_plural = "délibérations"
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})"

    # What the state allows, read from DELIBERATION_TRANSITIONS.
    @property
    def allowed_verbs(self) -> frozenset[str]:
        return verbs_from(DELIBERATION_TRANSITIONS, self.status)

    @property
    def can_open(self) -> bool:
        return "open" in self.allowed_verbs

    @property
    def can_close(self) -> bool:
        """Open: decisions are taken, closing draws up the minutes."""
        return "close" in self.allowed_verbs

    @property
    def awaits_signatures(self) -> bool:
        return "sign" in self.allowed_verbs

    @property
    def is_signed(self) -> bool:
        """The end of the workflow: the minutes signed by all, the decisions final."""
        return is_final(DELIBERATION_TRANSITIONS, self.status)

    @property
    def has_minutes(self) -> bool:
        """Closed (minutes drawn up), to sign or signed."""
        return self.awaits_signatures or self.is_signed


class JuryMember(models.Model):
    """A member of the jury of one deliberation, in one of the referential's roles."""

    deliberation = models.ForeignKey(
        Deliberation, verbose_name="délibération", on_delete=models.PROTECT, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="membre",
        on_delete=models.PROTECT,
        related_name="jury_seats",
    )
    # A role of the referential's composition (rules.certification_jury / vae_jury
    # members[].role): each title names its own, so no fixed choices here.
    role = models.CharField("qualité", max_length=40)
    external = models.BooleanField("extérieur au certificateur")
    organisation = models.CharField("structure représentée", max_length=255, blank=True)
    present = models.BooleanField("présent", default=True)

    class Meta:
        verbose_name = "membre du jury de certification"
        verbose_name_plural = "membres du jury de certification"
        ordering = ["deliberation", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliberation", "user"],
                name="unique_jury_member",
                violation_error_message="Cette personne siège déjà dans ce jury.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"

    def get_role_display(self) -> str:
        """The referential's label of the role ("Représentant employeurs", "Professionnel")."""
        label = role_label(jury_rules(self.deliberation), self.role)
        return label[:1].upper() + label[1:]


class DeliberationCandidate(models.Model):
    """A candidacy on the list of a deliberation.

    Postponed (`postponed_at`): the jury records no decision for the candidate this time
    (a VAE oral not taken yet, a jury that did not hear it...) and says why; the PV records
    it, and the candidacy stays awaiting a jury (`decisions.postpone`).
    """

    deliberation = models.ForeignKey(
        Deliberation,
        verbose_name="délibération",
        on_delete=models.PROTECT,
        related_name="entries",
    )
    candidacy = models.ForeignKey(
        "candidates.Candidacy",
        verbose_name="candidature",
        on_delete=models.PROTECT,
        related_name="deliberation_entries",
    )
    position = models.PositiveIntegerField("ordre", default=0)
    postponed_at = models.DateTimeField("ajourné le", null=True, blank=True)
    postponed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ajournement saisi par",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    postponement_reason = models.TextField("motif de l'ajournement", blank=True)

    class Meta:
        verbose_name = "candidat de la délibération"
        verbose_name_plural = "candidats de la délibération"
        ordering = ["deliberation", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliberation", "candidacy"],
                name="unique_deliberation_candidacy",
                violation_error_message="Cette candidature figure déjà dans la délibération.",
            ),
            models.CheckConstraint(
                condition=Q(postponed_at__isnull=True) | ~Q(postponement_reason=""),
                name="postponement_has_reason",
                violation_error_message="Un ajournement exige un motif.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidacy} — {self.deliberation}"


class FrozenGuard(models.Model):
    """Refuses to save a row whose stored version is frozen (signed decision)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and self._stored_frozen():
            raise FrozenDecisionError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk is not None and self._stored_frozen():
            raise FrozenDecisionError("Décision signée : elle ne peut pas être supprimée.")
        return super().delete(*args, **kwargs)

    def _stored_frozen(self) -> bool:
        raise NotImplementedError


class Decision(FrozenGuard):
    deliberation = models.ForeignKey(
        Deliberation,
        verbose_name="délibération",
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    candidacy = models.ForeignKey(
        "candidates.Candidacy",
        verbose_name="candidature",
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    kind = models.CharField("décision", max_length=10, choices=DecisionKind.choices)
    # A total validation grants the candidacy's scope; it awards the title only when every
    # required block is held and the pathway's conditions are met (engine.awards_title).
    title_awarded = models.BooleanField("titre attribué", default=False)
    proposed_kind = models.CharField(
        "décision proposée", max_length=10, choices=DecisionKind.choices
    )
    reason = models.TextField("motif", blank=True)
    further_evidence = models.TextField("compléments demandés", blank=True)
    # Partial validation: "une nouvelle validation pourra être demandée dans un délai maximum
    # de 5 ans suivant la délibération du jury". The blocks themselves never expire.
    deadline = models.DateField(
        "demandes de nouvelle validation possibles jusqu'au", null=True, blank=True
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name="corrige la décision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    correction_reason = models.TextField("motif de la correction", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="saisie par",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("saisie le")
    frozen = models.BooleanField("figée (PV signé)", default=False)
    notified_at = models.DateTimeField("notifiée le", null=True, blank=True)

    class Meta:
        verbose_name = "décision du jury"
        verbose_name_plural = "décisions du jury"
        ordering = ["deliberation", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliberation", "candidacy"],
                name="unique_decision_per_deliberation",
                violation_error_message="Cette candidature a déjà une décision dans ce jury.",
            ),
            models.CheckConstraint(
                condition=Q(kind=DecisionKind.TOTAL) | ~Q(reason=""),
                name="decision_reason_required",
                violation_error_message="Une validation partielle ou un refus exige un motif.",
            ),
            models.CheckConstraint(
                condition=Q(title_awarded=False) | Q(kind=DecisionKind.TOTAL),
                name="title_only_by_total_validation",
                violation_error_message="Seule une validation totale attribue le titre.",
            ),
            models.CheckConstraint(
                condition=~Q(kind=DecisionKind.PARTIAL) | Q(deadline__isnull=False),
                name="partial_decision_has_deadline",
                violation_error_message="Une validation partielle a une date limite.",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(correction_reason=""),
                name="correction_has_reason",
                violation_error_message="Une correction exige son motif.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.candidacy}"

    def _stored_frozen(self) -> bool:
        return Decision.objects.filter(pk=self.pk, frozen=True).exists()


class BlockDecision(FrozenGuard):
    decision = models.ForeignKey(
        Decision, verbose_name="décision", on_delete=models.PROTECT, related_name="blocks"
    )
    block = models.ForeignKey(
        "referential.Block", verbose_name="bloc", on_delete=models.PROTECT, related_name="+"
    )
    validated = models.BooleanField("validé")
    proposed = models.BooleanField("proposé par les résultats")
    held_before = models.BooleanField("déjà détenu (décision antérieure)", default=False)

    class Meta:
        verbose_name = "décision sur un bloc"
        verbose_name_plural = "décisions sur les blocs"
        ordering = ["decision", "block__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "block"],
                name="unique_block_decision",
                violation_error_message="Ce bloc a déjà une décision.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.block.code} : {'validé' if self.validated else 'non validé'}"

    def _stored_frozen(self) -> bool:
        return Decision.objects.filter(pk=self.decision_id, frozen=True).exists()


class HeldBlock(models.Model):
    """The ledger of held blocks: a block a candidate holds and the decision it comes from.

    Written when the decision's minutes are signed. A validated block is acquired for good:
    no expiry. A correction revokes the rows of the decision it corrects (`revoked_by`);
    rows are never deleted.
    """

    candidate = models.ForeignKey(
        "candidates.Candidate",
        verbose_name="candidat",
        on_delete=models.PROTECT,
        related_name="held_blocks",
    )
    certification = models.ForeignKey(
        "referential.Certification",
        verbose_name="certification",
        on_delete=models.PROTECT,
        related_name="+",
    )
    block = models.ForeignKey(
        "referential.Block", verbose_name="bloc", on_delete=models.PROTECT, related_name="+"
    )
    block_code = models.CharField("code du bloc", max_length=40)
    decision = models.ForeignKey(
        Decision, verbose_name="décision", on_delete=models.PROTECT, related_name="held_blocks"
    )
    granted_on = models.DateField("obtenu le")
    revoked_by = models.ForeignKey(
        Decision,
        verbose_name="annulé par la décision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revoked_blocks",
    )

    class Meta:
        verbose_name = "bloc détenu"
        verbose_name_plural = "blocs détenus"
        ordering = ["candidate", "block_code", "-granted_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "block"],
                name="unique_held_block_per_decision",
                violation_error_message="Ce bloc est déjà inscrit pour cette décision.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.block_code} — {self.candidate}"


class Minutes(models.Model):
    """The procès-verbal of a deliberation: its content is fixed when generated (hashed)."""

    deliberation = models.ForeignKey(
        Deliberation,
        verbose_name="délibération",
        on_delete=models.PROTECT,
        related_name="minutes",
    )
    certifier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.CharField("numéro", max_length=40)
    content = models.JSONField("contenu")
    content_hash = models.CharField("empreinte SHA-256 du contenu", max_length=64)
    generated_at = models.DateTimeField("établi le")
    superseded = models.BooleanField("remplacé (délibération rouverte)", default=False)

    class Meta:
        verbose_name = "procès-verbal"
        verbose_name_plural = "procès-verbaux"
        ordering = ["-generated_at"]
        constraints = [
            # Each certifier numbers its own PVs (acquis.numbering: one counter per
            # certifier and year): two certifiers never collide.
            models.UniqueConstraint(
                fields=["certifier", "number"],
                name="unique_minutes_number",
                violation_error_message="Ce numéro de procès-verbal existe déjà.",
            )
        ]

    def __str__(self) -> str:
        return f"PV {self.number}"


class MinutesSignature(models.Model):
    minutes = models.ForeignKey(
        Minutes, verbose_name="procès-verbal", on_delete=models.PROTECT, related_name="signatures"
    )
    member = models.ForeignKey(
        JuryMember, verbose_name="membre", on_delete=models.PROTECT, related_name="signatures"
    )
    signed_at = models.DateTimeField("signé le")
    content_hash = models.CharField("empreinte signée", max_length=64)

    class Meta:
        verbose_name = "signature du procès-verbal"
        verbose_name_plural = "signatures du procès-verbal"
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "member"],
                name="unique_minutes_signature",
                violation_error_message="Ce membre a déjà signé ce procès-verbal.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.minutes}"
