"""Kinds of issued documents, declared once."""

from django.db import models


class DocumentKind(models.TextChoices):
    CERTIFICATE = "certificate", "Certificat (parchemin)"
    BLOCK_ATTESTATION = "block_attestation", "Attestation de blocs de compétences"
    MINUTES = "minutes", "Procès-verbal de délibération"
    DECISION_LETTER = "decision_letter", "Lettre de décision"
    GRID = "grid", "Grille d'évaluation"


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
