"""Printable evaluation grids for the dossier (`templates_typst/grid.typ`), on demand.

- A juror's own submitted grid (`render_juror_grid`): criterion by criterion, acquired or
  not, the comment (the justification of a "not acquired"), and the grid's SHA-256 computed
  at submission (`evaluations.grids.content_hash`), recomputed here: a grid whose rows no
  longer match it says so on the page.
- The consolidated result of a slot (`render_consolidated`): each juror's value and the
  panel's consolidated value per criterion, divergences, the competency results and the
  departures from the rule with their reasons, a final oral's outcome; the SHA-256 of the
  consolidated content, compared with the one in the audit chain.

PDF/A-2a, tagged, in French, like the issued documents, but neither signed nor stored: the
grids' own hashes are the integrity mark (the footer says so). Only a submitted grid and a
consolidated slot print; anything else is a `DocumentError` (the views answer 404).
"""

import json

from django.utils import timezone

from acquis.audit.models import AuditEvent
from acquis.credentials import documents, typst_render
from acquis.credentials.pdf_common import certifier_data
from acquis.dates import french_datetime
from acquis.evaluations import consolidation as consolidation_verbs
from acquis.evaluations import grids as grid_verbs
from acquis.evaluations.enums import GridStatus
from acquis.evaluations.models import Consolidation, Grid, Slot

TEMPLATE = "grid.typ"
ACQUIRED = {True: "acquis", False: "non acquis", None: "non renseigné"}
COMPETENCY = {True: "acquise", False: "non acquise"}
OUTCOME = {True: "réussie", False: "non réussie"}


# --- rendering (no QR code, no signature) ----------------------------------------------------


def render(data: dict) -> bytes:
    """The PDF/A of a printable grid, through the documents' single Typst compiler."""
    certifier = dict(data.get("certifier") or {})
    logo_file = certifier.pop("logo_file", None)
    data = {**data, "certifier": certifier}
    inputs = {"data": json.dumps(data, ensure_ascii=False)} | typst_render.logo_inputs(logo_file)
    return typst_render.compile_template(TEMPLATE, inputs)


# --- what both grids show -------------------------------------------------------------------


def _slot_data(slot: Slot) -> dict:
    session = slot.session
    candidate = slot.candidacy.candidate
    place = "à distance" if session.remote else (session.place or "—")
    if slot.room and not session.remote:
        place += f", salle {slot.room}"
    return {
        "assessment": f"{slot.assessment.code} — {slot.assessment.title}",
        "session": session.title,
        "when": french_datetime(slot.starts_at),
        "place": place,
        "candidate": candidate.full_name,
        "pathway": slot.candidacy.get_pathway_display(),
        "certification": session.version.title,
    }


def _head(slot: Slot, title: str) -> dict:
    return {
        "certifier": certifier_data(slot.session.certifier),
        "document": {
            "number": "",
            "kind_label": "Grille d'évaluation",
            "title": title,
            "printed_on": french_datetime(timezone.now()),
        },
        "slot": _slot_data(slot),
    }


def _group_key(criterion, assessment) -> tuple[str, str]:
    competency = criterion.competency
    if competency is None:  # a final oral graded on its own criteria
        return assessment.code, assessment.title
    return competency.code, competency.statement


def _slot(slot_pk) -> Slot:
    return (
        Slot.objects.select_related(
            "session__certifier", "session__version", "assessment", "candidacy__candidate"
        )
        .defer("session__version__document")
        .get(pk=slot_pk)
    )


# --- a juror's grid --------------------------------------------------------------------------


def juror_grid_data(grid: Grid) -> dict:
    if grid.status != GridStatus.SUBMITTED:
        raise documents.DocumentError(
            "Grille non remise : elle ne s'imprime qu'une fois remise par son évaluateur."
        )
    slot = _slot(grid.slot_id)
    marks = list(grid.marks.select_related("criterion__competency").order_by("position"))
    groups: list[dict] = []
    for mark in marks:
        code, title = _group_key(mark.criterion, slot.assessment)
        if not groups or groups[-1]["code"] != code:
            groups.append({"code": code, "title": title, "rows": []})
        groups[-1]["rows"].append(
            {
                "code": mark.criterion.code,
                "text": mark.criterion.text,
                "acquired": ACQUIRED[mark.acquired],
                "comment": mark.comment,
            }
        )
    juror = grid.juror
    return _head(slot, "Grille d'évaluation individuelle") | {
        "variant": "juror",
        "juror": juror.user.get_full_name() or juror.user.email,
        "submitted_at": french_datetime(grid.submitted_at),
        "hash": grid.content_hash,
        "intact": grid_verbs.content_hash(marks) == grid.content_hash,
        "counts": {
            "criteria": len(marks),
            "acquired": sum(1 for m in marks if m.acquired),
            "not_acquired": sum(1 for m in marks if m.acquired is False),
        },
        "groups": groups,
    }


def render_juror_grid(grid: Grid) -> bytes:
    grid = Grid.objects.select_related("juror__user").get(pk=grid.pk)
    return render(juror_grid_data(grid))


# --- the consolidated result of a slot ------------------------------------------------------


def _recorded_hash(slot: Slot) -> str:
    event = (
        AuditEvent.objects.for_object(slot)
        .filter(verb="slot.consolidate")
        .order_by("-created_at", "-pk")
        .first()
    )
    return (event.payload or {}).get("sha256", "") if event else ""


def _result(result) -> dict | None:
    if result is None:
        return None
    return {
        "acquired": COMPETENCY[result.acquired],
        "by_rule": COMPETENCY[result.by_rule],
        "departs": result.acquired != result.by_rule,
        "reason": result.reason,
    }


def _consolidated_groups(view) -> list[dict]:
    groups = []
    for group in view.groups:
        code, title = (
            (group.competency.code, group.competency.statement)
            if group.competency is not None
            else (view.slot.assessment.code, view.slot.assessment.title)
        )
        rows = []
        for row in group.rows:
            recorded = row.consolidated
            rows.append(
                {
                    "code": row.criterion.code,
                    "text": row.criterion.text,
                    "marks": [ACQUIRED[mark.acquired] for mark in row.marks],
                    "consolidated": ACQUIRED[recorded.acquired] if recorded else "—",
                    "divergent": row.divergent,
                    "comment": recorded.comment if recorded else "",
                }
            )
        groups.append({"code": code, "title": title, "result": _result(group.result), "rows": rows})
    return groups


def consolidated_data(slot: Slot) -> dict:
    slot = _slot(slot.pk)
    record = (
        Consolidation.objects.filter(slot=slot)
        .select_related("recorded_by")
        .prefetch_related("marks", "competency_results")
        .first()
    )
    if record is None:
        raise documents.DocumentError(
            "Résultat non consolidé : le résultat du créneau s'imprime une fois consolidé."
        )
    view = consolidation_verbs.panel_view(slot)
    digest = consolidation_verbs.consolidation_digest(record)
    recorded = _recorded_hash(slot)
    outcome = None
    if record.outcome is not None:
        outcome = {
            "value": OUTCOME[record.outcome],
            "by_rule": OUTCOME[record.outcome_by_rule],
            "departs": record.outcome != record.outcome_by_rule,
            "reason": record.outcome_reason,
        }
    return _head(slot, "Résultat consolidé de l'épreuve") | {
        "variant": "consolidated",
        "recorded_at": french_datetime(record.recorded_at),
        "recorded_by": str(record.recorded_by) if record.recorded_by else "",
        "hash": digest,
        "intact": bool(recorded) and recorded == digest,
        "assessors": [
            {
                "name": item.grid.juror.user.get_full_name() or item.grid.juror.user.email,
                "hash": item.grid.content_hash,
                "intact": item.intact,
                "submitted_at": french_datetime(item.grid.submitted_at),
            }
            for item in view.grids
        ],
        "divergences": view.divergences,
        "groups": _consolidated_groups(view),
        "outcome": outcome,
    }


def render_consolidated(slot: Slot) -> bytes:
    return render(consolidated_data(slot))


# --- sample data (previews) ------------------------------------------------------------------

_SAMPLE_CRITERIA = [
    ("C1.1.1", "L'accueil est adapté à la personne (exemple)."),
    ("C1.1.2", "Les informations données sont exactes et complètes (exemple)."),
    ("C1.1.3", "La demande est reformulée et vérifiée (exemple)."),
]
_SAMPLE_HASH = "0" * 64


def _sample_head(title: str) -> dict:
    return {
        "certifier": certifier_data(name="OPS Conseil", address="12 rue de l'Exemple, 69500 Bron"),
        "document": {
            "number": "",
            "kind_label": "Grille d'évaluation",
            "title": title,
            "printed_on": french_datetime(timezone.now()),
        },
        "slot": {
            "assessment": "E1 — Mise en situation : entretien d'accueil (exemple)",
            "session": "Session d'évaluation (exemple)",
            "when": french_datetime(timezone.now()),
            "place": "Bron, salle 2",
            "candidate": "EXEMPLE Camille",
            "pathway": "Formation",
            "certification": "Conseiller en insertion socioprofessionnelle (exemple)",
        },
    }


def sample_juror_data() -> dict:
    values = [True, True, False]
    return _sample_head("Grille d'évaluation individuelle") | {
        "variant": "juror",
        "juror": "Prénom Évaluateur",
        "submitted_at": french_datetime(timezone.now()),
        "hash": _SAMPLE_HASH,
        "intact": True,
        "counts": {"criteria": 3, "acquired": 2, "not_acquired": 1},
        "groups": [
            {
                "code": "C1.1",
                "title": "Accueillir la personne (exemple)",
                "rows": [
                    {
                        "code": code,
                        "text": text,
                        "acquired": ACQUIRED[value],
                        "comment": "" if value else "Non démontré pendant l'épreuve (exemple).",
                    }
                    for (code, text), value in zip(_SAMPLE_CRITERIA, values, strict=True)
                ],
            }
        ],
    }


def sample_consolidated_data() -> dict:
    marks = [("acquis", "acquis"), ("acquis", "non acquis"), ("non acquis", "non acquis")]
    consolidated = ["acquis", "acquis", "non acquis"]
    comments = ["", "Démontré lors de l'échange avec le jury (exemple).", "Non démontré."]
    return _sample_head("Résultat consolidé de l'épreuve") | {
        "variant": "consolidated",
        "recorded_at": french_datetime(timezone.now()),
        "recorded_by": "Prénom Responsable",
        "hash": _SAMPLE_HASH,
        "intact": True,
        "assessors": [
            {"name": name, "hash": _SAMPLE_HASH, "intact": True, "submitted_at": "—"}
            for name in ("Prénom Évaluateur", "Prénom Représentant")
        ],
        "divergences": 1,
        "groups": [
            {
                "code": "C1.1",
                "title": "Accueillir la personne (exemple)",
                "result": {
                    "acquired": "acquise",
                    "by_rule": "non acquise",
                    "departs": True,
                    "reason": "Le critère C1.1.3 est secondaire pour cette situation (exemple).",
                },
                "rows": [
                    {
                        "code": code,
                        "text": text,
                        "marks": list(pair),
                        "consolidated": value,
                        "divergent": pair[0] != pair[1],
                        "comment": comment,
                    }
                    for (code, text), pair, value, comment in zip(
                        _SAMPLE_CRITERIA, marks, consolidated, comments, strict=True
                    )
                ],
            }
        ],
        "outcome": None,
    }
