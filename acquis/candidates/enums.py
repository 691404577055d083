"""States and codes of candidacies, declared once as data.

The whole life of a candidacy is the transition table below (CANDIDACY_TRANSITIONS):
a reader sees every state, every move and which pathway may take it.
"""

from django.db import models


class Sex(models.TextChoices):
    """CDC accrochage `sexe` (formats.md §2)."""

    MALE = "M", "Masculin"
    FEMALE = "F", "Féminin"


class Pathway(models.TextChoices):
    TRAINING = "training", "Formation"
    VAE = "vae", "VAE"
    FREE = "free", "Candidat libre"


class AccessMode(models.TextChoices):
    """CDC accrochage `modaliteAcces` (XSD 1.1.2, formats.md §2)."""

    INITIAL = "FORMATION_INITIALE_HORS_APPRENTISSAGE", "Formation initiale hors apprentissage"
    APPRENTICESHIP = "FORMATION_INITIALE_APPRENTISSAGE", "Formation initiale en apprentissage"
    CONTINUING = (
        "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
        "Formation continue hors contrat de professionnalisation",
    )
    PRO_CONTRACT = (
        "FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION",
        "Formation continue en contrat de professionnalisation",
    )
    VAE = "VAE", "Validation des acquis de l'expérience"
    FOREIGN_EQUIVALENCE = "EQUIVALENCE_DIPLOME_ETRANGER", "Équivalence de diplôme étranger"
    FREE = "CANDIDAT_LIBRE", "Candidat libre"


class VaeRoute(models.TextChoices):
    """CDC accrochage `voieAccessVAE`."""

    LEAVE = "CONGES_VAE", "Congé VAE"
    CLASSIC = "VAE_CLASSIQUE", "VAE classique"


# Which access modes each pathway admits.
PATHWAY_ACCESS_MODES = {
    Pathway.TRAINING: {
        AccessMode.INITIAL,
        AccessMode.APPRENTICESHIP,
        AccessMode.CONTINUING,
        AccessMode.PRO_CONTRACT,
    },
    Pathway.VAE: {AccessMode.VAE},
    Pathway.FREE: {AccessMode.FREE, AccessMode.FOREIGN_EQUIVALENCE},
}


class CandidacyStatus(models.TextChoices):
    REGISTERED = "registered", "Inscrit"
    ADMISSIBILITY_PENDING = "admissibility_pending", "Recevabilité en cours d'examen"
    ADMISSIBILITY_INCOMPLETE = "admissibility_incomplete", "Demande de recevabilité incomplète"
    NOT_ADMISSIBLE = "not_admissible", "Non recevable"
    IN_PROGRESS = "in_progress", "En formation / en évaluation"
    VALIDATION_FILE_SUBMITTED = "validation_file_submitted", "Dossier de validation déposé"
    AWAITING_JURY = "awaiting_jury", "En attente du jury"
    DECIDED = "decided", "Décision rendue"
    WITHDRAWN = "withdrawn", "Désisté"
    ABANDONED = "abandoned", "Abandon"


S = CandidacyStatus
ALL = frozenset(Pathway.values)
TRAINING_OR_FREE = frozenset({Pathway.TRAINING, Pathway.FREE})
VAE_ONLY = frozenset({Pathway.VAE})
ACTIVE = (
    S.REGISTERED,
    S.ADMISSIBILITY_PENDING,
    S.ADMISSIBILITY_INCOMPLETE,
    S.IN_PROGRESS,
    S.VALIDATION_FILE_SUBMITTED,
    S.AWAITING_JURY,
)

# (from, to) -> (verb, pathways allowed, French label of the action)
CANDIDACY_TRANSITIONS: dict[tuple[str, str], tuple[str, frozenset, str]] = {
    (S.REGISTERED, S.IN_PROGRESS): ("start", TRAINING_OR_FREE, "Démarrer le parcours"),
    (S.REGISTERED, S.ADMISSIBILITY_PENDING): (
        "request_admissibility",
        VAE_ONLY,
        "Déposer la demande de recevabilité",
    ),
    (S.ADMISSIBILITY_PENDING, S.IN_PROGRESS): ("declare_admissible", VAE_ONLY, "Recevable"),
    (S.ADMISSIBILITY_PENDING, S.NOT_ADMISSIBLE): (
        "declare_not_admissible",
        VAE_ONLY,
        "Non recevable",
    ),
    (S.ADMISSIBILITY_PENDING, S.ADMISSIBILITY_INCOMPLETE): (
        "declare_admissibility_incomplete",
        VAE_ONLY,
        "Demande incomplète",
    ),
    (S.ADMISSIBILITY_INCOMPLETE, S.ADMISSIBILITY_PENDING): (
        "request_admissibility",
        VAE_ONLY,
        "Compléter la demande de recevabilité",
    ),
    (S.NOT_ADMISSIBLE, S.ADMISSIBILITY_PENDING): (
        "request_admissibility",
        VAE_ONLY,
        "Nouvelle demande de recevabilité",
    ),
    (S.IN_PROGRESS, S.VALIDATION_FILE_SUBMITTED): (
        "submit_validation_file",
        VAE_ONLY,
        "Déposer le dossier de validation",
    ),
    (S.VALIDATION_FILE_SUBMITTED, S.AWAITING_JURY): (
        "declare_validation_file_complete",
        VAE_ONLY,
        "Dossier complet",
    ),
    (S.VALIDATION_FILE_SUBMITTED, S.IN_PROGRESS): (
        "declare_validation_file_incomplete",
        VAE_ONLY,
        "Dossier incomplet",
    ),
    (S.IN_PROGRESS, S.AWAITING_JURY): ("send_to_jury", TRAINING_OR_FREE, "Présenter au jury"),
    (S.AWAITING_JURY, S.DECIDED): ("record_decision", ALL, "Décision du jury"),
    **{(state, S.WITHDRAWN): ("withdraw", ALL, "Désistement") for state in ACTIVE},
    **{(state, S.ABANDONED): ("abandon", ALL, "Abandon") for state in ACTIVE},
}

# Moves that only a dedicated verb may make (they carry a decision or a file).
GUARDED_VERBS = frozenset(
    {
        "request_admissibility",
        "declare_admissible",
        "declare_not_admissible",
        "declare_admissibility_incomplete",
        "submit_validation_file",
        "declare_validation_file_complete",
        "declare_validation_file_incomplete",
        "record_decision",
    }
)


class AdmissibilityDecision(models.TextChoices):
    ADMISSIBLE = "admissible", "Recevable"
    NOT_ADMISSIBLE = "not_admissible", "Non recevable"
    INCOMPLETE = "incomplete", "Incomplète"


class ValidationFileDecision(models.TextChoices):
    COMPLETE = "complete", "Complet"
    INCOMPLETE = "incomplete", "Incomplet"


class AccommodationKind(models.TextChoices):
    """Measures only: the product stores no medical data (referential, block 4)."""

    EXTRA_TIME = "extra_time", "Temps supplémentaire"
    ACCESSIBLE_ROOM = "accessible_room", "Salle accessible"
    ASSISTIVE_EQUIPMENT = "assistive_equipment", "Matériel adapté"
    HUMAN_ASSISTANCE = "human_assistance", "Aide humaine"
    OTHER = "other", "Autre mesure"


class DocumentKind(models.TextChoices):
    WORK_PLACEMENT_ATTESTATION = "work_placement_attestation", "Attestation de stage"
    MEMOIR = "memoir", "Mémoire"
    ADMISSIBILITY_REQUEST = "admissibility_request", "Demande de recevabilité"
    VALIDATION_FILE = "validation_file", "Dossier de validation"
    OTHER = "other", "Autre pièce"


class ExportJobStatus(models.TextChoices):
    """The life of a candidacy export written in the background (CandidacyExportJob)."""

    QUEUED = "queued", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Prêt"
    FAILED = "failed", "Échoué"
    EXPIRED = "expired", "Expiré"


# (from, to) -> verb (audited as "candidates.export_<verb>"). A failed or expired export is
# queued again with the same filters (its file, if any, is gone: written anew), and so is a
# running one whose worker stopped (killed, machine restarted).
EXPORT_JOB_TRANSITIONS = {
    (ExportJobStatus.QUEUED, ExportJobStatus.RUNNING): "start",
    (ExportJobStatus.RUNNING, ExportJobStatus.DONE): "finish",
    (ExportJobStatus.RUNNING, ExportJobStatus.FAILED): "fail",
    (ExportJobStatus.DONE, ExportJobStatus.EXPIRED): "expire",
    (ExportJobStatus.FAILED, ExportJobStatus.QUEUED): "relaunch",
    (ExportJobStatus.EXPIRED, ExportJobStatus.QUEUED): "relaunch",
    # Only a job whose worker gave no news for ACQUIS_BATCH_STALE_SECONDS (export_jobs.is_stale).
    (ExportJobStatus.RUNNING, ExportJobStatus.QUEUED): "relaunch",
}
