"""Kinds of issued documents, declared once."""

from django.db import models


class DocumentKind(models.TextChoices):
    CERTIFICATE = "certificate", "Certificat (parchemin)"
    BLOCK_ATTESTATION = "block_attestation", "Attestation de blocs de compétences"
    MINUTES = "minutes", "Procès-verbal de délibération"
    DECISION_LETTER = "decision_letter", "Lettre de décision"
    GRID = "grid", "Grille d'évaluation"


class RevocationCategory(models.TextChoices):
    """Why a document was revoked, as the public verification page says it (the free-text
    reason stays for the holder and the staff)."""

    CIVIL_STATUS = "civil_status", "Rectification de l'état civil du titulaire"
    ISSUING_ERROR = "issuing_error", "Erreur de délivrance"
    DECISION_CORRECTED = "decision_corrected", "Décision du jury corrigée"
    WORDING = "wording", "Nouvelle rédaction du document"
    CITED_REPLACED = "cited_replaced", "Remplacement d'un document qu'il cite"
    OTHER = "other", "Autre motif"


# What the staff choose on a document's page (the others are set by the verbs themselves).
STAFF_REVOCATION_CATEGORIES = [
    (c.value, c.label)
    for c in (
        RevocationCategory.CIVIL_STATUS,
        RevocationCategory.ISSUING_ERROR,
        RevocationCategory.OTHER,
    )
]


class BatchStatus(models.TextChoices):
    """The life of an issuing batch (IssuingBatch): the documents of one deliberation."""

    QUEUED = "queued", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Terminé"
    FAILED = "failed", "Interrompu"


# (from, to) -> verb (audited as "credentials.batch_<verb>"). A failed batch, or a running one
# whose worker stopped giving news (stale: killed, machine restarted), is queued again to
# resume: the decisions already issued are skipped (per-decision calls are idempotent).
BATCH_TRANSITIONS = {
    (BatchStatus.QUEUED, BatchStatus.RUNNING): "start",
    (BatchStatus.RUNNING, BatchStatus.DONE): "finish",
    (BatchStatus.RUNNING, BatchStatus.FAILED): "fail",
    (BatchStatus.FAILED, BatchStatus.QUEUED): "resume",
    (BatchStatus.RUNNING, BatchStatus.QUEUED): "resume",  # stale only (batches.is_stale)
}
# Batches that hold the deliberation: at most one of them per deliberation (constraint).
ACTIVE_BATCH_STATUSES = (BatchStatus.QUEUED, BatchStatus.RUNNING)
