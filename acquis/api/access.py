"""What a client sees: its certifier's data; a partner's client, its own candidacies only.

One place for the rule (as www/partner/perms.py for the partner screens): every endpoint
starts from these querysets, so another certifier's or another partner's object is a 404,
never a 403 (its existence is not disclosed).
"""

from django.db.models import Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from acquis.api.problems import ApiProblem
from acquis.candidates.models import Candidacy, Candidate, WorkPlacement
from acquis.credentials.models import IssuedCredential, IssuedDocument
from acquis.evaluations.enums import SessionStatus
from acquis.evaluations.models import Consolidation, EvaluationSession, Slot
from acquis.exports.models import AccrochageLine
from acquis.juries.enums import DecisionKind
from acquis.juries.models import Decision
from acquis.referential.enums import VersionStatus
from acquis.referential.models import Certification, CertificationVersion


def get_or_404(queryset, what: str, **lookup):
    found = queryset.filter(**lookup).first()
    if found is None:
        raise ApiProblem(404, f"{what} introuvable (ou hors de vos droits).")
    return found


def certifications(client):
    return Certification.objects.filter(owner=client.certifier_id)


def versions(client):
    return CertificationVersion.objects.filter(
        certification__owner=client.certifier_id,
        status__in=[VersionStatus.PUBLISHED, VersionStatus.WITHDRAWN],
    ).select_related("certification")


def candidacies(client):
    queryset = Candidacy.objects.filter(candidate__certifier=client.certifier_id)
    if client.partner_id:
        queryset = queryset.filter(partner=client.partner_id)
    return queryset


def candidates(client):
    queryset = Candidate.objects.filter(certifier=client.certifier_id)
    if client.partner_id:
        mine = Candidacy.objects.filter(partner=client.partner_id).values("candidate")
        queryset = queryset.filter(pk__in=mine)
    return queryset


def placements(client):
    return WorkPlacement.objects.filter(candidacy__in=candidacies(client).values("pk"))


def sessions(client):
    queryset = EvaluationSession.objects.filter(certifier=client.certifier_id)
    if client.partner_id:
        mine = Slot.objects.filter(candidacy__partner=client.partner_id).values("session")
        queryset = queryset.filter(pk__in=mine)
    return queryset


def convocations(client):
    """Slots whose convocation was sent, for the client's candidacies."""
    return Slot.objects.filter(
        session__certifier=client.certifier_id,
        candidacy__in=candidacies(client).values("pk"),
        convoked_at__isnull=False,
    ).select_related("assessment", "session")


def results(client):
    """Consolidated results, released when their session is closed."""
    return Consolidation.objects.filter(
        slot__session__certifier=client.certifier_id,
        slot__session__status=SessionStatus.CLOSED,
        slot__candidacy__in=candidacies(client).values("pk"),
    ).select_related("slot__assessment", "slot__session")


def decisions(client):
    """Decisions once the PV is signed (frozen), with the time of its last signature."""
    signed = Max(
        "deliberation__minutes__signatures__signed_at",
        filter=Q(deliberation__minutes__superseded=False),
    )
    return (
        Decision.objects.filter(
            frozen=True,
            deliberation__certifier=client.certifier_id,
            candidacy__in=candidacies(client).values("pk"),
        )
        .annotate(signed_at=signed)
        .select_related("candidacy", "deliberation")
    )


def accrochage(client):
    """Awards (total or partial decisions, PV signed) and their latest declaration line."""
    latest = AccrochageLine.objects.filter(decision=OuterRef("pk")).order_by(
        "-batch__created_at", "-pk"
    )
    return (
        decisions(client)
        .filter(kind__in=[DecisionKind.TOTAL, DecisionKind.PARTIAL])
        .annotate(
            line_status=Subquery(latest.values("status")[:1]),
            line_message=Subquery(latest.values("message")[:1]),
            declared_at=Subquery(latest.values("batch__created_at")[:1]),
            reported_at=Subquery(latest.values("batch__report_imported_at")[:1]),
        )
    )


def issued_documents(client):
    queryset = IssuedDocument.objects.filter(certifier=client.certifier_id)
    if client.partner_id:  # a PV lists other partners' candidates: certifier clients only
        queryset = queryset.filter(decision__candidacy__partner=client.partner_id)
    return queryset.select_related("decision").annotate(
        changed_at=Coalesce("revoked_at", "issued_at")
    )


def badges(client):
    queryset = IssuedCredential.objects.filter(
        certifier=client.certifier_id, decision__candidacy__in=candidacies(client).values("pk")
    )
    return queryset.select_related("block", "decision").annotate(
        changed_at=Coalesce("revoked_at", "issued_at")
    )
