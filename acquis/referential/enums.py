"""States and kinds of the referential, declared once as data."""

from django.db import models


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    PUBLISHED = "published", "Publiée"
    WITHDRAWN = "withdrawn", "Retirée"


# The whole life of a referential version: (from, to) -> verb.
VERSION_TRANSITIONS: dict[tuple[str, str], str] = {
    (VersionStatus.DRAFT, VersionStatus.PUBLISHED): "publish",
    (VersionStatus.DRAFT, VersionStatus.WITHDRAWN): "withdraw",
    (VersionStatus.PUBLISHED, VersionStatus.WITHDRAWN): "withdraw",
}


class ModalityKind(models.TextChoices):
    SIMULATED_SITUATION = "simulated_situation", "Mise en situation reconstituée"
    CASE_STUDY = "case_study", "Étude de cas pratique"
    ORAL = "oral", "Épreuve orale"
    WRITTEN = "written", "Épreuve écrite"
    OTHER = "other", "Autre modalité"


class Pathway(models.TextChoices):
    TRAINING = "training", "Parcours de formation"
    VAE = "vae", "Validation des acquis de l'expérience (VAE)"
    FREE = "free", "Candidat libre"


class SourceKind(models.TextChoices):
    FILE = "file", "Fichier de référentiel"
    RNCP = "rncp", "Import de l'export RNCP de France Compétences"


DECISION_LABELS = {
    "total": "Validation totale",
    "partial": "Validation partielle",
    "refused": "Refus de validation",
}
