"""Juror records and evaluation sessions with their panel (issue 4, first part)."""

from django.conf import settings
from django.db import models

from acquis.evaluations.enums import ConflictKind, SessionStatus


class JurorProfile(models.Model):
    """What makes a person eligible to sit on an evaluation panel (referential, rule 2)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="membre de jury",
        on_delete=models.PROTECT,
        related_name="juror_profile",
    )
    certifier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        related_name="jurors",
    )
    sector = models.CharField("secteur d'expérience", max_length=120)
    role = models.CharField("fonction exercée", max_length=160)
    years_experience = models.PositiveSmallIntegerField("années d'expérience dans le secteur")
    experience_proof = models.ForeignKey(
        "documents.Document",
        verbose_name="pièce justificative de l'expérience",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    represents_certifier = models.BooleanField("représente le certificateur", default=False)

    class Meta:
        verbose_name = "fiche de membre de jury"
        verbose_name_plural = "fiches de membres de jury"

    def __str__(self) -> str:
        return str(self.user)


class JurorTraining(models.Model):
    """A training of the juror to the referential (source: "formés en amont")."""

    juror = models.ForeignKey(
        JurorProfile,
        verbose_name="membre de jury",
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    version = models.ForeignKey(
        "referential.CertificationVersion",
        verbose_name="référentiel",
        on_delete=models.PROTECT,
        related_name="+",
    )
    trained_on = models.DateField("formé le")
    trained_by = models.CharField("formé par", max_length=160)

    class Meta:
        verbose_name = "formation de membre de jury"
        verbose_name_plural = "formations de membres de jury"
        ordering = ["-trained_on"]

    def __str__(self) -> str:
        return f"{self.juror} — {self.trained_on:%d/%m/%Y}"


class ConflictDeclaration(models.Model):
    """A juror's declared link with a candidate: never on that candidate's panel."""

    juror = models.ForeignKey(
        JurorProfile,
        verbose_name="membre de jury",
        on_delete=models.PROTECT,
        related_name="conflicts",
    )
    candidate = models.ForeignKey(
        "candidates.Candidate",
        verbose_name="candidat",
        on_delete=models.PROTECT,
        related_name="conflicts",
    )
    kind = models.CharField("lien", max_length=20, choices=ConflictKind.choices)
    note = models.CharField("précision", max_length=255, blank=True)
    declared_at = models.DateTimeField("déclaré le")

    class Meta:
        verbose_name = "lien déclaré (conflit d'intérêts)"
        verbose_name_plural = "liens déclarés (conflits d'intérêts)"

    def __str__(self) -> str:
        return f"{self.juror} / {self.candidate} : {self.get_kind_display()}"


class EvaluationSession(models.Model):
    certifier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        related_name="evaluation_sessions",
    )
    version = models.ForeignKey(
        "referential.CertificationVersion",
        verbose_name="référentiel",
        on_delete=models.PROTECT,
        related_name="evaluation_sessions",
    )
    title = models.CharField("intitulé", max_length=160)
    date = models.DateField("date")
    place = models.CharField("lieu", max_length=255, blank=True)
    remote = models.BooleanField("à distance", default=False)
    status = models.CharField(
        "état", max_length=20, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    members = models.ManyToManyField(
        JurorProfile, verbose_name="jury d'évaluation", through="PanelMember", related_name="+"
    )

    class Meta:
        verbose_name = "session d'évaluation"
        verbose_name_plural = "sessions d'évaluation"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})"


class PanelMember(models.Model):
    session = models.ForeignKey(
        EvaluationSession, verbose_name="session", on_delete=models.PROTECT, related_name="panel"
    )
    juror = models.ForeignKey(
        JurorProfile, verbose_name="membre de jury", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "membre du jury d'évaluation"
        verbose_name_plural = "membres du jury d'évaluation"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "juror"],
                name="unique_panel_member",
                violation_error_message="Ce membre fait déjà partie du jury de la session.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.juror} — {self.session}"
