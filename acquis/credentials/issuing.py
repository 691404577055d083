"""What a signed deliberation issues, in order: its PV, then each decision's documents.

The orchestration above the three issuers: `documents` (certificate or block attestation),
`letters` (the decision letter) and `minutes_pdf` (the PV). Each issuer is idempotent, so a
run interrupted half-way is resumed by the next one without issuing anything twice.
"""

from dataclasses import dataclass

from django.db import transaction

from acquis.credentials import documents, letters, minutes_pdf
from acquis.credentials.documents import DocumentError
from acquis.credentials.models import IssuedDocument
from acquis.juries.enums import DeliberationStatus
from acquis.juries.models import Decision


@dataclass(frozen=True)
class IssueReport:
    issued: list[IssuedDocument]
    skipped: int  # decisions that issue nothing (refusal) or already issued


@transaction.atomic
def issue_decision_documents(decision: Decision, *, actor) -> list[IssuedDocument]:
    """Every document a signed decision issues, in one transaction: the certificate or the
    attestation (`documents.issue_for_decision`; none for a refusal), then the decision
    letter (`letters.issue_letter`: every kind, naming what was issued with it). Idempotent:
    what was already issued is not issued again; the list holds what this call issued."""
    issued = [
        documents.issue_for_decision(decision, actor=actor),
        letters.issue_letter(decision, actor=actor),
    ]
    return [document for document in issued if document is not None]


def issue_minutes(deliberation, *, actor) -> IssuedDocument | None:
    """The signed PDF of a deliberation's PV, once it is signed by every member; None when
    already issued (`minutes_pdf.issue_minutes`)."""
    return minutes_pdf.issue_minutes(deliberation, actor=actor)


def issue_for_deliberation(deliberation, *, actor) -> IssueReport:
    """Issue the PV and the documents of every decision of a signed deliberation.

    The PV first (`issue_minutes`), then one transaction per decision
    (`issue_decision_documents`: certificate or attestation, and the letter): a run
    interrupted half-way keeps what it issued, and the next run skips it (idempotent), so
    nothing is issued twice. `skipped` counts the decisions that issued nothing new.
    """
    if deliberation.status != DeliberationStatus.SIGNED:
        raise DocumentError(
            "Documents : la délibération doit avoir son procès-verbal signé avant toute délivrance."
        )
    minutes = issue_minutes(deliberation, actor=actor)
    issued, skipped = ([minutes] if minutes is not None else []), 0
    for decision in deliberation.decisions.order_by("pk"):
        new = issue_decision_documents(decision, actor=actor)
        if new:
            issued.extend(new)
        else:
            skipped += 1
    return IssueReport(issued=issued, skipped=skipped)
