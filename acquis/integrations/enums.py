"""Scopes of API clients, webhook event types and delivery states, declared once as data."""

from django.db import models


class Scope(models.TextChoices):
    REFERENTIALS_READ = "referentials:read", "Lire les référentiels"
    CANDIDACIES_READ = "candidacies:read", "Lire les candidats et candidatures"
    CANDIDACIES_WRITE = "candidacies:write", "Inscrire, modifier, désister"
    PLACEMENTS_WRITE = "placements:write", "Saisir les stages et leurs attestations"
    DOCUMENTS_WRITE = "documents:write", "Déposer des pièces (mémoire, attestations)"
    SESSIONS_READ = "sessions:read", "Lire les sessions d'évaluation et convocations"
    RESULTS_READ = "results:read", "Lire les résultats consolidés, décisions et accrochage"
    DOCUMENTS_READ = "documents:read", "Lire les documents délivrés et badges"


class EventType(models.TextChoices):
    """Webhook events; each needs a scope (EVENT_SCOPES) to be subscribed to."""

    CANDIDACY_REGISTERED = "candidacy.registered", "Candidature enregistrée"
    CANDIDACY_STATUS_CHANGED = "candidacy.status_changed", "Changement d'état d'une candidature"
    CONVOCATION_SENT = "convocation.sent", "Convocation envoyée"
    RESULTS_CONSOLIDATED = "results.consolidated", "Résultat d'épreuve consolidé"
    RESULTS_RELEASED = "results.released", "Résultats d'une session publiés (session clôturée)"
    DECISION_SIGNED = "decision.signed", "Décision signée (procès-verbal signé)"
    DOCUMENT_ISSUED = "document.issued", "Document ou badge délivré"
    DOCUMENT_REVOKED = "document.revoked", "Document ou badge révoqué"


EVENT_SCOPES = {
    EventType.CANDIDACY_REGISTERED: Scope.CANDIDACIES_READ,
    EventType.CANDIDACY_STATUS_CHANGED: Scope.CANDIDACIES_READ,
    EventType.CONVOCATION_SENT: Scope.SESSIONS_READ,
    EventType.RESULTS_CONSOLIDATED: Scope.RESULTS_READ,
    EventType.RESULTS_RELEASED: Scope.RESULTS_READ,
    EventType.DECISION_SIGNED: Scope.RESULTS_READ,
    EventType.DOCUMENT_ISSUED: Scope.DOCUMENTS_READ,
    EventType.DOCUMENT_REVOKED: Scope.DOCUMENTS_READ,
}


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    SUCCEEDED = "succeeded", "Remise"
    RETRYING = "retrying", "Nouvel essai prévu"
    FAILED = "failed", "Échec définitif"
    CANCELLED = "cancelled", "Annulée (abonnement désactivé)"
