"""The decision letter to the candidate (`templates_typst/decision_letter.typ`).

One letter per frozen decision of any kind (total, partial, refusal): the addressee with
their postal address when known, place and date, the certification, the decision in clear
French (blocks validated, "acquis définitivement"; for a partial validation what remains,
the further evidence asked and the deadline for a new validation request; for a refusal the
jury's reason), the right of appeal (to whom, how, within what time: `appeal_data`), the
PV number, the signatory (settings `ACQUIS_SIGNATORY_NAME/TITLE`) and
what was issued with it (certificate or attestation number). It has no number of its own
(blank) but a verification code and QR code; it is signed (PAdES), stored, audited.
Idempotent: one letter per decision (`unique_live_document_per_decision` in the database).
"""

import secrets
from datetime import date

from django.db import transaction
from django.utils import timezone

from acquis.audit.services import record_event
from acquis.candidates import names
from acquis.credentials import documents, typst_render
from acquis.credentials.enums import DocumentKind, RevocationCategory
from acquis.credentials.models import IssuedDocument
from acquis.credentials.pdf_common import (
    certifier_data,
    document_block,
    signatory_data,
    store_signed,
)
from acquis.dates import french_date
from acquis.juries import minutes as pv
from acquis.juries.appeal import appeal_data
from acquis.juries.engine import add_years
from acquis.juries.enums import DecisionKind, JuryKind
from acquis.juries.models import Decision, HeldBlock

KIND = DocumentKind.DECISION_LETTER
CIVILITY = {"F": "Madame", "M": "Monsieur"}
JURY_LABEL = {JuryKind.CERTIFICATION: "jury de certification", JuryKind.VAE: "jury VAE"}
ISSUED_SENTENCE = {
    DocumentKind.CERTIFICATE: (
        "Votre certificat n° {number} vous est délivré ; signé électroniquement, il est "
        "téléchargeable dans votre espace candidat."
    ),
    DocumentKind.BLOCK_ATTESTATION: (
        "Votre attestation de blocs de compétences n° {number} vous est délivrée ; signée "
        "électroniquement, elle est téléchargeable dans votre espace candidat."
    ),
}


def addressee_data(candidate) -> dict:
    civility = CIVILITY.get(candidate.sex, "")
    # A postal address carries the name the person goes by (acquis.candidates.names).
    last_name = names.used_name(candidate)
    city = " ".join(part for part in (candidate.postal_code, candidate.city.upper()) if part)
    return {
        "name": " ".join(part for part in (civility, candidate.first_name, last_name) if part),
        "lines": [line for line in (candidate.address, city) if line],
        "salutation": f"{civility}," if civility else "Madame, Monsieur,",
        "salutation_close": civility or "Madame, Monsieur",
    }


def _blocks(decision: Decision) -> dict:
    """Validated now, held before (both acquired for good), still to obtain."""
    rows = list(decision.blocks.select_related("block").order_by("block__position"))
    granted = {row.block_id for row in HeldBlock.objects.filter(decision=decision)}
    return {
        "validated": [
            {"code": row.block.code, "title": row.block.title}
            for row in rows
            if row.block_id in granted
        ],
        "held": [
            {"code": row.block.code, "title": row.block.title}
            for row in rows
            if row.held_before and row.block_id not in granted
        ],
        "remaining": [
            {"code": row.block.code, "title": row.block.title}
            for row in rows
            if not row.validated and not row.held_before
        ],
    }


def _title_missing(decision: Decision) -> list[str]:
    """The blocks the title requires that the candidate does not hold (after this
    decision): what a total validation of some blocks leaves to obtain for the title."""
    if decision.title_awarded or decision.kind != DecisionKind.TOTAL:
        return []
    version = decision.deliberation.version
    required = list((version.rules or {}).get("title_requires_blocks") or [])
    held = set(
        HeldBlock.objects.filter(
            candidate_id=decision.candidacy.candidate_id,
            certification_id=version.certification_id,
            revoked_by__isnull=True,
        ).values_list("block_code", flat=True)
    )
    return [code for code in required if code not in held]


def _validity_years(version) -> int:
    return int(((version.rules or {}).get("partial_validation") or {}).get("validity_years") or 5)


def _issued(decision: Decision) -> list[dict]:
    rows = IssuedDocument.objects.filter(
        decision=decision,
        kind__in=list(ISSUED_SENTENCE),
        revoked_at__isnull=True,
        duplicate_of__isnull=True,
    ).order_by("issued_at", "pk")
    return [{"sentence": ISSUED_SENTENCE[row.kind].format(number=row.number)} for row in rows]


def letter_data(decision: Decision, *, code: str, on: date) -> dict:
    deliberation = decision.deliberation
    version = deliberation.version
    candidate = decision.candidacy.candidate
    minutes = pv.current_minutes(deliberation)
    corrected = decision.corrects
    addressee = addressee_data(candidate)
    return {
        "certifier": certifier_data(deliberation.certifier),
        "document": document_block(KIND, number="", code=code, on=on),
        "signatory": signatory_data(deliberation.certifier),
        "addressee": {"name": addressee["name"], "lines": addressee["lines"]},
        "salutation": addressee["salutation"],
        "salutation_close": addressee["salutation_close"],
        "place_date": f"{deliberation.place}, le {french_date(on)}",
        "certification": {
            "title": version.title,
            "level": version.level_label,
            "registry": version.registry_code,
        },
        "deliberation": {
            "date": french_date(deliberation.date),
            "place": deliberation.place,
            "jury_label": JURY_LABEL.get(deliberation.kind, "jury"),
        },
        "decision": {
            "kind": decision.kind,
            "kind_label": decision.get_kind_display(),
            "title": decision.title_awarded,
            "title_missing": _title_missing(decision),
            "reason": decision.reason,
            "further_evidence": decision.further_evidence
            if decision.kind == DecisionKind.PARTIAL
            else "",
            "deadline": french_date(decision.deadline),
            "validity_years": _validity_years(version),
            "corrects": None
            if corrected is None
            else {
                "kind_label": corrected.get_kind_display(),
                "date": french_date(corrected.deliberation.date),
                "reason": decision.correction_reason,
            },
        }
        | _blocks(decision),
        "minutes_number": minutes.number if minutes else "",
        "issued": _issued(decision),
        "appeal": appeal_data(version, certifier_data(deliberation.certifier)["name"]),
    }


def _decision(decision: Decision) -> Decision:
    return (
        Decision.objects.select_related(
            "deliberation__certifier",
            "deliberation__version",
            "candidacy__candidate",
            "corrects__deliberation",
        )
        .defer("deliberation__version__document")
        .get(pk=decision.pk)
    )


def render_letter(decision: Decision, *, code: str = "apercu") -> bytes:
    """The (unsigned) letter of a decision; the verification code is given when issuing."""
    data = letter_data(_decision(decision), code=code, on=timezone.localdate())
    return typst_render.render(KIND, data)


def issued_letter(decision: Decision) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(
        decision=decision, kind=KIND, revoked_at__isnull=True
    ).first()


@transaction.atomic
def issue_letter(decision: Decision, *, actor) -> IssuedDocument | None:
    """The decision letter of a signed decision, once; None when already issued, or when
    a signed correction has superseded the decision (the correction has its own letter)."""
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if not locked.frozen:
        raise documents.DocumentError(
            "Lettre de décision : elle n'est délivrée qu'une fois le procès-verbal signé par "
            "tous les membres du jury."
        )
    # Any letter of this decision, even revoked, means it was issued (a revoked letter is
    # replaced by `reissue_letter` or by the correction's own letter, never here).
    if IssuedDocument.objects.filter(decision=locked, kind=KIND).exists():
        return None
    if Decision.objects.filter(corrects=locked, frozen=True).exists():
        return None
    return _issue(_decision(locked), actor=actor)


@transaction.atomic
def reissue_letter(
    document: IssuedDocument, *, reason: str, actor, category: str = RevocationCategory.OTHER
) -> IssuedDocument:
    """Revoke a decision letter (with its reason) and issue the letter again from the same
    decision in force, with today's wording; audited (`credentials.document_reissued`)."""
    document = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if document.kind != KIND or document.decision_id is None:
        raise documents.DocumentError("Seule une lettre de décision est délivrée à nouveau ici.")
    decision = Decision.objects.select_for_update().get(pk=document.decision_id)
    if Decision.objects.filter(corrects=decision, frozen=True).exists():
        raise documents.DocumentError(
            "Cette décision a été corrigée : sa lettre ne peut plus être délivrée à nouveau."
        )
    documents.revoke_document(document, reason=reason, actor=actor, category=category)
    replacement = _issue(_decision(decision), actor=actor)
    IssuedDocument.objects.filter(pk=document.pk).update(replaced_by=replacement)
    record_event(
        "credentials.document_reissued",
        replacement,
        actor=actor,
        payload={
            "replaces": document.pk,
            "replaces_code": document.verification_code,
            "kind": KIND,
            "reason": reason.strip(),
        },
    )
    return replacement


def _issue(decision: Decision, *, actor) -> IssuedDocument:
    now = timezone.now()
    code = secrets.token_urlsafe(24)
    data = letter_data(decision, code=code, on=timezone.localdate(now))
    deliberation = decision.deliberation
    return store_signed(
        typst_render.render(KIND, data),
        kind=KIND,
        certifier=deliberation.certifier,
        number="",
        code=code,
        now=now,
        actor=actor,
        filename=f"decision-letter-{decision.pk}.pdf",
        decision=decision,
        candidate=decision.candidacy.candidate,
        payload={
            "decision": decision.pk,
            "candidate": decision.candidacy.candidate_id,
            "decision_kind": decision.kind,
            "minutes": data["minutes_number"],
            "place": deliberation.place,
        },
    )


# --- sample data (previews) ------------------------------------------------------------------


def sample_data(kind: str = DecisionKind.PARTIAL) -> dict:
    """A fictitious letter (a partial validation by default: the richest wording)."""
    today = timezone.localdate()
    deadline = add_years(today, 5)
    blocks = [
        {"code": "B1", "title": "Accueillir et informer (exemple)"},
        {"code": "B2", "title": "Accompagner un parcours (exemple)"},
    ]
    validated = [blocks[0]]
    if kind == DecisionKind.TOTAL:
        validated.append(blocks[1])
    issued_kind = {
        DecisionKind.TOTAL: DocumentKind.CERTIFICATE,
        DecisionKind.PARTIAL: DocumentKind.BLOCK_ATTESTATION,
    }.get(kind)
    return {
        "certifier": certifier_data(name="OPS Conseil", address="12 rue de l'Exemple, 69500 Bron"),
        "document": document_block(
            KIND, number="", code="exemple-de-code-de-verification", on=today
        ),
        "signatory": signatory_data() | {"name": signatory_data()["name"] or "Prénom Nom"},
        "addressee": {
            "name": "Madame Camille EXEMPLE",
            "lines": ["3 place de l'Exemple", "69003 LYON"],
        },
        "salutation": "Madame,",
        "salutation_close": "Madame",
        "place_date": f"Bron, le {french_date(today)}",
        "certification": {
            "title": "Conseiller en insertion socioprofessionnelle (exemple)",
            "level": "Niveau 5",
            "registry": "RNCP00000",
        },
        "deliberation": {
            "date": french_date(today),
            "place": "Bron",
            "jury_label": "jury de certification",
        },
        "decision": {
            "kind": kind,
            "kind_label": DecisionKind(kind).label,
            "title": kind == DecisionKind.TOTAL,
            "title_missing": [],
            "reason": "" if kind == DecisionKind.TOTAL else "Bloc B2 non démontré (exemple).",
            "further_evidence": "Présenter une nouvelle situation d'accompagnement (exemple)."
            if kind == DecisionKind.PARTIAL
            else "",
            "deadline": french_date(deadline) if kind == DecisionKind.PARTIAL else "",
            "validity_years": 5,
            "corrects": None,
            "validated": validated if kind != DecisionKind.REFUSED else [],
            "held": [],
            "remaining": [blocks[1]] if kind == DecisionKind.PARTIAL else [],
        },
        "minutes_number": f"PV-{today.year}-0000",
        "issued": [{"sentence": ISSUED_SENTENCE[issued_kind].format(number="OPS-0000-000000")}]
        if issued_kind
        else [],
        "appeal": appeal_data(_SampleVersion(), "OPS Conseil"),
    }


class _SampleVersion:
    rules: dict = {}  # no appeal rule: the default wording
