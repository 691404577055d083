"""The consolidation page shared by the jury portal and the staff screens.

Each audience finds the slot through its own permission rules (jury/perms.py,
staff/access.py) and hands it here; this module reads the form and calls the one verb,
`evaluations.consolidation.consolidate`.
"""

import re
from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect, render

from acquis.audit.models import AuditEvent
from acquis.errors import AcquisError
from acquis.evaluations import consolidation
from acquis.evaluations.enums import SessionStatus, SlotStatus
from acquis.evaluations.exceptions import EvaluationError

CHOICES = {"acquis": True, "non_acquis": False}
COMPETENCY_CHOICES = {"acquise": True, "non_acquise": False}
OUTCOME_CHOICES = {"reussie": True, "non_reussie": False}
_PROBLEM = re.compile(r"^(Critère|Compétence) (\S+) :")


@dataclass
class FormRow:
    row: consolidation.CriterionRow
    choice: str
    comment: str
    error: bool = False

    @property
    def field(self) -> str:
        return f"critere-{self.row.criterion.pk}"


@dataclass
class FormGroup:
    group: consolidation.CompetencyGroup
    rows: list[FormRow]
    choice: str
    reason: str
    error: bool = False

    @property
    def field(self) -> str:
        return f"competence-{self.group.competency.pk}" if self.group.competency else "resultat"


@dataclass
class Problem:
    text: str
    anchor: str = ""


def _value(choice: str) -> str:
    return {True: "acquis", False: "non_acquis"}.get(choice, "")


def _form(view, data) -> list[FormGroup]:
    groups = []
    for group in view.groups:
        rows = []
        for row in group.rows:
            pk = row.criterion.pk
            if data is None:
                rows.append(FormRow(row, _value(row.proposed), ""))
            else:
                rows.append(
                    FormRow(row, data.get(f"critere-{pk}", ""), data.get(f"commentaire-{pk}", ""))
                )
        key = f"competence-{group.competency.pk}" if group.competency else "resultat"
        motif = f"motif-{group.competency.pk}" if group.competency else "motif-resultat"
        choice = "regle" if data is None else data.get(key, "regle")
        reason = "" if data is None else data.get(motif, "")
        groups.append(FormGroup(group, rows, choice, reason))
    return groups


def _arguments(groups: list[FormGroup]) -> dict:
    """The verb's arguments from the form: only the fields of this slot's grid are read."""
    marks, competencies, outcome, outcome_reason = {}, {}, None, ""
    for item in groups:
        for row in item.rows:
            marks[row.row.criterion.pk] = (CHOICES.get(row.choice), row.comment)
        if item.group.competency is None:
            outcome = OUTCOME_CHOICES.get(item.choice)
            outcome_reason = item.reason
        elif item.choice in COMPETENCY_CHOICES:
            competencies[item.group.competency.pk] = (
                COMPETENCY_CHOICES[item.choice],
                item.reason,
            )
    return {
        "marks": marks,
        "competencies": competencies,
        "outcome": outcome,
        "outcome_reason": outcome_reason,
    }


def _problems(error: EvaluationError, groups: list[FormGroup]) -> list[Problem]:
    """Each refusal linked to its field (the summary's links move the focus there)."""
    rows = {r.row.criterion.code: r for g in groups for r in g.rows}
    competencies = {g.group.competency.code: g for g in groups if g.group.competency}
    outcome = next((g for g in groups if g.group.competency is None), None)
    problems = []
    for text in error.problems:
        target = None
        match = _PROBLEM.match(text)
        if match and match.group(1) == "Critère":
            target = rows.get(match.group(2))
        elif match:
            target = competencies.get(match.group(2))
        elif text.startswith("Résultat de l'épreuve") and outcome is not None:
            target = outcome
        if target is not None:
            target.error = True
        problems.append(Problem(str(text), target.field if target else ""))
    return problems


def _audited_digest(slot) -> str:
    event = (
        AuditEvent.objects.for_object(slot).filter(verb="slot.consolidate").order_by("-id").first()
    )
    return event.payload.get("sha256", "") if event else ""


def consolidation_page(request, slot, *, audience: str, back_url: str, back_label: str):
    view = consolidation.panel_view(slot)
    groups = _form(view, request.POST if request.method == "POST" else None)
    error, problems = None, []
    if request.method == "POST":
        try:
            consolidation.consolidate(slot, **_arguments(groups), actor=request.user)
        except AcquisError as exc:
            error, problems = exc, _problems(exc, groups)
        else:
            messages.success(request, "Résultat consolidé enregistré.")
            return redirect(request.path)
    recorded = view.consolidation
    context = {
        "audience": audience,
        "back_url": back_url,
        "back_label": back_label,
        "slot": slot,
        "view": view,
        "groups": groups,
        "error": error,
        "problems": problems,
        "recorded": recorded,
        "digest": consolidation.consolidation_digest(recorded) if recorded else "",
        "audited_digest": _audited_digest(slot) if recorded else "",
        "can_consolidate": recorded is None
        and view.ready
        and slot.status == SlotStatus.SCHEDULED
        and slot.session.status == SessionStatus.OPENED,
    }
    return render(request, "www/evaluations/consolidation.html", context)
