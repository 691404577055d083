"""The PV of a deliberation as a signed PDF (`templates_typst/minutes.typ`).

Rendered from the frozen, hashed content the members signed (`Minutes.content`, built by
`acquis.juries.minutes.build_content`), never from live rows, plus the members' signatures
(`MinutesSignature`: time and the hash each one signed). Issued once the deliberation is
signed by every member (`issue_minutes`): PDF/A-2a, tagged, in French, sealed with the
certifier's PAdES signature, stored with its SHA-256 and a verification code, numbered with
the PV's own number (`PV-OPS-2026-0007`), audited. Idempotent: one document per PV (the
database also refuses a second live one: `unique_live_document_per_minutes`).
"""

import secrets

from django.db import transaction
from django.utils import timezone

from acquis.credentials import documents, typst_render
from acquis.credentials.enums import DocumentKind
from acquis.credentials.models import IssuedDocument
from acquis.credentials.pdf_common import (
    certifier_data,
    document_block,
    level_label,
    registry_label,
    store_signed,
)
from acquis.dates import french_date, french_datetime
from acquis.juries import minutes as pv
from acquis.juries.engine import add_years
from acquis.juries.enums import DecisionKind, DeliberationStatus
from acquis.juries.models import Deliberation, Minutes

KIND = DocumentKind.MINUTES
SUMMARY_LABELS = {
    DecisionKind.TOTAL: ("validation totale", "validations totales"),
    DecisionKind.PARTIAL: ("validation partielle", "validations partielles"),
    DecisionKind.REFUSED: ("refus", "refus"),
}


def summary(candidates: list[dict], waiting: int = 0, postponed: int = 0) -> str:
    """ "3 candidats : 1 validation totale, 1 validation partielle, 1 refus" (and those on
    whom the jury did not decide: a member stood aside; and the postponed ones:
    "1 ajournement")."""
    counts = {kind: 0 for kind in SUMMARY_LABELS}
    for candidate in candidates:
        counts[candidate["decision"]["kind"]] = counts.get(candidate["decision"]["kind"], 0) + 1
    parts = [
        f"{count} {SUMMARY_LABELS[kind][count > 1]}"
        for kind, count in counts.items()
        if count and kind in SUMMARY_LABELS
    ]
    if postponed:
        parts.append(f"{postponed} ajournement{'s' if postponed > 1 else ''}")
    total = len(candidates) + postponed
    head = f"{total} candidat{'s' if total > 1 else ''}"
    text = head + (" : " + ", ".join(parts) if parts else "")
    if waiting:
        text += f" ; {waiting} sans décision de ce jury (en attente d'un autre jury)"
    return text


def _waiting(entry: dict) -> dict:
    return {
        "name": entry["name"],
        "birth_date": french_date(entry["birth_date"]),
        "pathway_label": entry["pathway_label"],
        "stood_aside": [
            {"name": item["name"], "role_label": item["role_label"], "reason": item["reason"]}
            for item in entry["stood_aside"]
        ],
        "reasons": list(entry["reasons"]),
    }


def _block_row(block: dict) -> dict:
    validated = "validé" if block["validated"] else "non validé"
    if block["held_before"]:
        validated += " (détenu par une décision antérieure)"
    return {
        "code": block["code"],
        "title": block["title"],
        "proposed": "acquis" if block["proposed"] else "non acquis",
        "validated": validated,
    }


def _candidate(entry: dict) -> dict:
    decision = entry["decision"]
    corrects = decision.get("corrects")
    return {
        "name": entry["name"],
        "birth_date": french_date(entry["birth_date"]),
        "pathway_label": entry["pathway_label"],
        "decision": {
            "kind": decision["kind"],
            "kind_label": decision["kind_label"],
            # Minutes generated before the title was recorded apart: a total validation was
            # the title.
            "outcome": decision.get("outcome")
            or pv.outcome_sentence(decision["kind"], decision["kind"] == DecisionKind.TOTAL),
            "proposed_label": decision["proposed_label"],
            "departs_from_proposal": bool(decision["departs_from_proposal"]),
            "reason": decision["reason"] or "",
            "further_evidence": decision["further_evidence"] or "",
            "deadline": french_date(decision["deadline"]) or None,
            "corrects": None
            if not corrects
            else {
                "kind_label": corrects["kind_label"],
                "deliberation": corrects["deliberation"],
                "reason": corrects["reason"] or "",
            },
            "blocks": [_block_row(block) for block in decision["blocks"]],
        },
    }


def _signatures(content: dict, signed: dict, content_hash: str) -> list[dict]:
    """One line per member of the jury, in the order of the PV: name, role, time."""
    rows = []
    for member in content["members"]:
        signature = signed.get(member["id"])
        if not member["present"]:
            when, state = "absent(e) : ne signe pas", "—"
        elif signature is None:
            when, state = "non signé", "—"
        else:
            when = french_datetime(signature.signed_at)
            state = "conforme" if signature.content_hash == content_hash else "différente"
        rows.append(
            {
                "name": member["name"],
                "role_label": member["role_label"],
                "signed_at": when,
                "hash_state": state,
            }
        )
    return rows


def content_data(content: dict, *, content_hash: str, generated_at, signed: dict) -> dict:
    """The template's data from a PV content (real or sample) and its signatures."""
    certification = content["certification"]
    candidates = [_candidate(entry) for entry in content["candidates"]]
    return {
        "minutes": {
            "number": content["number"],
            "content_hash": content_hash,
            "generated_at": french_datetime(generated_at),
        },
        "certification": {
            "title": certification["title"],
            "version": certification["version"],
            "level": level_label(certification.get("level") or ""),
            "registry": registry_label(certification.get("registry") or ""),
        },
        "jury": {"label": content["jury"]["label"]},
        "deliberation": {
            "title": content["deliberation"]["title"],
            "date": french_date(content["deliberation"]["date"]),
            "place": content["deliberation"]["place"],
        },
        "members": [
            {
                "name": member["name"],
                "role_label": member["role_label"],
                "organisation": member.get("organisation") or "—",
                "external": bool(member["external"]),
                "present": bool(member["present"]),
            }
            for member in content["members"]
        ],
        "candidates": candidates,
        "not_decided": [_waiting(entry) for entry in content.get("not_decided") or []],
        "postponed": [
            {
                "name": entry["name"],
                "birth_date": french_date(entry["birth_date"]),
                "pathway_label": entry["pathway_label"],
                "reason": entry["reason"],
            }
            for entry in content.get("postponed", [])
        ],
        "summary": summary(
            content["candidates"],
            len(content.get("not_decided") or []),
            len(content.get("postponed", [])),
        ),
        "signatures": _signatures(content, signed, content_hash),
    }


def minutes_data(minutes: Minutes, *, code: str, on) -> dict:
    deliberation = minutes.deliberation
    signed = {s.member_id: s for s in minutes.signatures.all()}
    data = content_data(
        minutes.content,
        content_hash=minutes.content_hash,
        generated_at=minutes.generated_at,
        signed=signed,
    )
    return data | {
        "certifier": certifier_data(deliberation.certifier),
        "document": document_block(KIND, number=minutes.number, code=code, on=on),
    }


def render_minutes(minutes: Minutes, *, code: str = "apercu") -> bytes:
    """The (unsigned) PDF of a PV; the verification code is given when issuing."""
    return typst_render.render(KIND, minutes_data(minutes, code=code, on=timezone.localdate()))


def issued_minutes(minutes: Minutes) -> IssuedDocument | None:
    """The PV's document in force, if issued."""
    return IssuedDocument.objects.filter(
        minutes=minutes, kind=KIND, revoked_at__isnull=True
    ).first()


@transaction.atomic
def issue_minutes(deliberation: Deliberation, *, actor) -> IssuedDocument | None:
    """The signed PDF of the deliberation's PV, once; None when already issued."""
    # The row lock serialises two issuers of the same PV (the second sees the first).
    deliberation = (
        Deliberation.objects.select_for_update().select_related("certifier").get(pk=deliberation.pk)
    )
    if deliberation.status != DeliberationStatus.SIGNED:
        raise documents.DocumentError(
            "Procès-verbal : il n'est délivré qu'une fois signé par tous les membres du jury "
            f"(délibération « {deliberation.get_status_display()} »)."
        )
    minutes = pv.current_minutes(deliberation)
    if minutes is None:  # a signed deliberation always has its PV: defensive
        raise documents.DocumentError("Procès-verbal introuvable pour cette délibération.")
    # Any document of this PV, even revoked, means it was issued: the PV keeps its number,
    # which the database holds unique per certifier.
    if IssuedDocument.objects.filter(minutes=minutes, kind=KIND).exists():
        return None
    if pv.content_hash(minutes.content) != minutes.content_hash:
        raise documents.DocumentError(
            f"Procès-verbal {minutes.number} : son contenu ne correspond plus à l'empreinte "
            "signée par les membres du jury ; il n'est pas délivré. Prévenez l'administrateur."
        )
    minutes.deliberation = deliberation
    now = timezone.now()
    code = secrets.token_urlsafe(24)
    data = minutes_data(minutes, code=code, on=timezone.localdate(now))
    return store_signed(
        typst_render.render(KIND, data),
        kind=KIND,
        certifier=deliberation.certifier,
        number=minutes.number,
        code=code,
        now=now,
        actor=actor,
        filename=f"minutes-{minutes.number}.pdf",
        minutes=minutes,
        payload={
            "minutes": minutes.pk,
            "deliberation": deliberation.pk,
            "content_hash": minutes.content_hash,
            "decisions": len(minutes.content["candidates"]),
            "place": deliberation.place,
        },
    )


# --- sample data (previews) ------------------------------------------------------------------


def sample_content() -> dict:
    """A fictitious PV content with the three kinds of decision (staff page "Aperçus")."""
    today = timezone.localdate().isoformat()

    def block(code, title, validated, proposed=None, held_before=False):
        proposed = validated if proposed is None else proposed
        return {
            "code": code,
            "title": title,
            "validated": validated,
            "proposed": proposed,
            "held_before": held_before,
        }

    blocks = [
        ("B1", "Accueillir et informer (exemple)"),
        ("B2", "Accompagner un parcours (exemple)"),
    ]

    def decision(kind, label, validated, **extra):
        return {
            "kind": kind,
            "kind_label": label,
            "proposed_label": label,
            "departs_from_proposal": False,
            "reason": extra.get("reason", ""),
            "further_evidence": extra.get("further_evidence", ""),
            "deadline": extra.get("deadline"),
            "corrects": None,
            "blocks": [
                block(code, title, ok) for (code, title), ok in zip(blocks, validated, strict=True)
            ],
        }

    def candidate(name, pathway, decided):
        return {
            "name": name,
            "birth_date": "1990-01-01",
            "pathway_label": pathway,
            "decision": decided,
        }

    year = timezone.localdate().year
    members = [
        ("Prénom Employeur", "Représentant des employeurs", True, "Union des entreprises"),
        ("Prénom Salarié", "Représentant des salariés", True, "Syndicat (exemple)"),
        ("Prénom Formateur", "Formateur du certificateur", False, ""),
    ]
    return {
        "number": f"PV-{year}-0000",
        "certification": {
            "title": "Conseiller en insertion socioprofessionnelle (exemple)",
            "version": 1,
            "level": "NIV5",
            "registry": "RNCP00000",
        },
        "jury": {"label": "Jury de certification"},
        "deliberation": {
            "title": "Jury de certification (exemple)",
            "date": today,
            "place": "Bron",
        },
        "members": [
            {
                "id": index,
                "name": name,
                "role_label": role,
                "external": external,
                "organisation": organisation,
                "present": True,
            }
            for index, (name, role, external, organisation) in enumerate(members, start=1)
        ],
        "candidates": [
            candidate(
                "EXEMPLE Camille",
                "Formation",
                decision(DecisionKind.TOTAL, DecisionKind.TOTAL.label, [True, True]),
            ),
            candidate(
                "EXEMPLE Dominique",
                "VAE",
                decision(
                    DecisionKind.PARTIAL,
                    DecisionKind.PARTIAL.label,
                    [True, False],
                    reason="Bloc B2 non démontré lors de l'oral.",
                    further_evidence="Présenter une nouvelle situation d'accompagnement.",
                    deadline=add_years(timezone.localdate(), 5).isoformat(),
                ),
            ),
            candidate(
                "EXEMPLE Alix",
                "Candidat libre",
                decision(
                    DecisionKind.REFUSED,
                    DecisionKind.REFUSED.label,
                    [False, False],
                    reason="Aucun bloc démontré lors des épreuves.",
                ),
            ),
        ],
        "not_decided": [
            {
                "candidacy": 0,
                "name": "EXEMPLE Sacha",
                "birth_date": "1990-01-01",
                "pathway_label": "Formation",
                "stood_aside": [
                    {
                        "member": 1,
                        "name": "Prénom Employeur",
                        "role_label": "représentant employeurs",
                        "reason": "Prénom Employeur a déclaré un lien avec ce candidat : "
                        "employeur du candidat.",
                    }
                ],
                "reasons": [
                    "Sans ce membre, le jury n'a plus la composition du référentiel : le "
                    "candidat attend un jury où siège un suppléant (représentant employeurs)."
                ],
            }
        ],
    }


class _SampleSignature:
    def __init__(self, when, content_hash):
        self.signed_at, self.content_hash = when, content_hash


def sample_data() -> dict:
    content = sample_content()
    now = timezone.now()
    content_hash = pv.content_hash(content)
    signed = {member["id"]: _SampleSignature(now, content_hash) for member in content["members"]}
    data = content_data(content, content_hash=content_hash, generated_at=now, signed=signed)
    return data | {
        "certifier": certifier_data(name="OPS Conseil", address="12 rue de l'Exemple, 69500 Bron"),
        "document": document_block(
            KIND,
            number=content["number"],
            code="exemple-de-code-de-verification",
            on=timezone.localdate(),
        ),
    }
