"""Verbs of a panel's consolidation: from the jurors' submitted grids to the results.

Once every assessor of a slot has submitted their grid, the panel records one consolidated
value per criterion (divergences between jurors are shown and need a written reason). A
competency's result follows from its consolidated criteria by the referential's rule
(`rules.competency_rule`, default "all_criteria": acquired when all its criteria are); the
panel may depart from the rule only with a written reason. A final oral with its own
criteria (the memoir oral, E12) gets an outcome by the same rule. The jurors' grids are read,
never written: each stays as submitted, its hash goes into the consolidation's audit event.

Block results are only proposed here (`rules.block_rule`, default "all_competencies"): the
certification jury decides (referential, rule 4).
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from acquis.evaluations import grids as grid_verbs
from acquis.evaluations.enums import GridStatus, SessionStatus, SlotStatus
from acquis.evaluations.exceptions import EvaluationError
from acquis.evaluations.models import (
    CompetencyResult,
    ConsolidatedMark,
    Consolidation,
    Grid,
    GridMark,
    Slot,
    SlotAssessor,
)
from acquis.evaluations.planning import move_slot

COMMENT_MAX = grid_verbs.COMMENT_MAX
KNOWN_COMPETENCY_RULES = {"all_criteria"}
KNOWN_BLOCK_RULES = {"all_competencies"}


# --- rules of the referential -------------------------------------------------------------


def competency_rule(version) -> str:
    rule = (version.rules or {}).get("competency_rule") or "all_criteria"
    if rule not in KNOWN_COMPETENCY_RULES:
        raise EvaluationError(
            f"Règle inconnue : le référentiel fixe « {rule} » comme règle d'acquisition d'une "
            "compétence ; seule « all_criteria » (tous les critères acquis) est prise en charge."
        )
    return rule


def block_rule(version) -> str:
    rule = (version.rules or {}).get("block_rule") or "all_competencies"
    if rule not in KNOWN_BLOCK_RULES:
        raise EvaluationError(
            f"Règle inconnue : le référentiel fixe « {rule} » comme règle d'acquisition d'un "
            "bloc ; seule « all_competencies » (toutes les compétences acquises) est prise "
            "en charge."
        )
    return rule


def by_rule(values) -> bool:
    """The "all_criteria" rule: acquired when every consolidated criterion is acquired."""
    values = list(values)
    return bool(values) and all(values)


# --- what the panel sees --------------------------------------------------------------------


@dataclass
class AssessorMark:
    juror: object
    acquired: bool | None
    comment: str


@dataclass
class CriterionRow:
    criterion: object
    marks: list[AssessorMark]
    divergent: bool
    proposed: bool | None  # the unanimous value; None when the jurors disagree
    consolidated: object = None  # the ConsolidatedMark once recorded


@dataclass
class CompetencyGroup:
    competency: object  # None for a final oral's own criteria
    rows: list[CriterionRow]
    result: object = None  # the CompetencyResult once recorded

    @property
    def proposed_by_rule(self) -> bool | None:
        """The rule's answer from the jurors' unanimous marks (None if one diverges)."""
        values = [row.proposed for row in self.rows]
        return None if None in values else by_rule(values)


@dataclass
class SubmittedGrid:
    grid: Grid
    intact: bool


@dataclass
class PanelView:
    slot: Slot
    assessors: list
    grids: list[SubmittedGrid]
    missing: list  # assessors whose grid is not submitted yet
    groups: list[CompetencyGroup] = field(default_factory=list)
    consolidation: Consolidation | None = None

    @property
    def submitted(self) -> int:
        return len(self.assessors) - len(self.missing)

    @property
    def ready(self) -> bool:
        return bool(self.assessors) and not self.missing

    @property
    def own_criteria(self) -> bool:
        """A final oral graded on its own criteria: it has an outcome, no competencies."""
        return any(group.competency is None for group in self.groups)

    @property
    def divergences(self) -> int:
        return sum(row.divergent for group in self.groups for row in group.rows)


def _missing_names(missing) -> str:
    return ", ".join(str(juror) for juror in missing)


def panel_view(slot: Slot) -> PanelView:
    """Who has submitted, then each criterion with every juror's submitted mark.

    No juror's content is read before every grid is in: a panel member cannot see a
    colleague's marks while still grading.
    """
    assessors = [
        link.juror
        for link in SlotAssessor.objects.filter(slot=slot)
        .select_related("juror__user")
        .order_by("juror__user__last_name", "juror__user__first_name", "juror_id")
    ]
    submitted = {
        grid.juror_id: grid for grid in Grid.objects.filter(slot=slot, status=GridStatus.SUBMITTED)
    }
    missing = [juror for juror in assessors if juror.pk not in submitted]
    consolidation = Consolidation.objects.filter(slot=slot).select_related("recorded_by").first()
    view = PanelView(slot, assessors, [], missing, consolidation=consolidation)
    if not view.ready:
        return view
    grids = [submitted[juror.pk] for juror in assessors]
    for grid, juror in zip(grids, assessors, strict=True):
        grid.juror = juror
    view.grids = [SubmittedGrid(grid, grid_verbs.is_intact(grid)) for grid in grids]
    view.groups = _groups(slot, grids, consolidation)
    return view


def _groups(slot, grids, consolidation) -> list[CompetencyGroup]:
    marks = {
        (mark.grid_id, mark.criterion_id): mark
        for mark in GridMark.objects.filter(grid__in=grids).only(
            "grid_id", "criterion_id", "acquired", "comment"
        )
    }
    recorded, results = {}, {}
    if consolidation is not None:
        recorded = {m.criterion_id: m for m in consolidation.marks.all()}
        results = {r.competency_id: r for r in consolidation.competency_results.all()}
    groups: dict = {}
    for criterion in grid_verbs.grid_criteria(slot):
        row_marks = []
        for grid in grids:
            mark = marks.get((grid.pk, criterion.pk))
            acquired, comment = (mark.acquired, mark.comment) if mark else (None, "")
            row_marks.append(AssessorMark(grid.juror, acquired, comment))
        values = {m.acquired for m in row_marks}
        divergent = len(values) > 1
        proposed = None if divergent or None in values else values.pop()
        row = CriterionRow(criterion, row_marks, divergent, proposed, recorded.get(criterion.pk))
        key = criterion.competency_id
        if key not in groups:
            competency = criterion.competency if key else None
            groups[key] = CompetencyGroup(competency, [], results.get(key))
        groups[key].rows.append(row)
    return list(groups.values())


# --- the verb ---------------------------------------------------------------------------------


def _check_slot(slot: Slot) -> None:
    existing = Consolidation.objects.filter(slot=slot).select_related("recorded_by").first()
    if existing is not None:
        when = timezone.localtime(existing.recorded_at)
        who = f" par {existing.recorded_by}" if existing.recorded_by else ""
        raise EvaluationError(
            f"Ce créneau a déjà un résultat consolidé (enregistré le {when:%d/%m/%Y à %H:%M}"
            f"{who}) : il ne se consolide qu'une fois."
        )
    if slot.session.status != SessionStatus.OPENED:
        raise EvaluationError(
            "La consolidation se fait pendant la session ouverte (état actuel : "
            f"« {slot.session.get_status_display()} »)."
        )
    if slot.status != SlotStatus.SCHEDULED:
        raise EvaluationError(
            f"Consolidation impossible : le créneau est « {slot.get_status_display()} »."
        )


def _clean_text(text) -> str:
    return (text or "").strip()


def _criterion_problems(view: PanelView, marks: dict) -> list[str]:
    problems = []
    known = {row.criterion.pk for group in view.groups for row in group.rows}
    if set(marks) - known:
        problems.append("Un critère transmis n'appartient pas à la grille de cette épreuve.")
    for group in view.groups:
        for row in group.rows:
            code = row.criterion.code
            acquired, comment = marks.get(row.criterion.pk, (None, ""))
            comment = _clean_text(comment)
            if acquired is None:
                problems.append(f"Critère {code} : indiquez la décision du jury (acquis ou non).")
            elif len(comment) > COMMENT_MAX:
                problems.append(
                    f"Critère {code} : commentaire de {COMMENT_MAX} caractères au plus."
                )
            elif row.divergent and not comment:
                problems.append(
                    f"Critère {code} : les évaluateurs divergent ; motivez la décision du jury "
                    "dans le commentaire."
                )
            elif not row.divergent and acquired != row.proposed and not comment:
                problems.append(
                    f"Critère {code} : le jury s'écarte de l'avis unanime des évaluateurs ; "
                    "motivez-le dans le commentaire."
                )
    return problems


def _competency_decisions(view: PanelView, marks: dict, competencies: dict, problems: list):
    """[(group, acquired, by_rule, reason)] for the slot's competencies."""
    groups = [g for g in view.groups if g.competency is not None]
    known = {g.competency.pk for g in groups}
    if set(competencies) - known:
        problems.append("Une compétence transmise n'est pas évaluée par cette épreuve.")
    decisions = []
    for group in groups:
        rule_value = by_rule(bool(marks.get(r.criterion.pk, (False, ""))[0]) for r in group.rows)
        acquired, reason = competencies.get(group.competency.pk, (None, ""))
        reason = _clean_text(reason)
        if acquired is None:
            acquired = rule_value
        if acquired != rule_value and not reason:
            label = "acquise" if acquired else "non acquise"
            problems.append(
                f"Compétence {group.competency.code} : la déclarer {label} s'écarte de la règle "
                "(tous les critères acquis) ; indiquez le motif de l'écart."
            )
        decisions.append((group, acquired, rule_value, reason))
    return decisions


def _outcome_decision(view: PanelView, marks: dict, outcome, outcome_reason, problems):
    """(outcome, outcome_by_rule, reason) of a final oral graded on its own criteria."""
    if not view.own_criteria:
        if outcome is not None:
            problems.append(
                "Résultat de l'épreuve : cette épreuve se conclut par ses compétences, pas par "
                "un résultat global."
            )
        return None, None, ""
    rows = [row for group in view.groups for row in group.rows]
    rule_value = by_rule(bool(marks.get(r.criterion.pk, (False, ""))[0]) for r in rows)
    reason = _clean_text(outcome_reason)
    if outcome is None:
        outcome = rule_value
    if outcome != rule_value and not reason:
        label = "réussie" if outcome else "non réussie"
        problems.append(
            f"Résultat de l'épreuve {view.slot.assessment.code} : la déclarer {label} s'écarte de "
            "la règle (tous les critères acquis) ; indiquez le motif de l'écart."
        )
    return outcome, rule_value, reason


@transaction.atomic
def consolidate(
    slot: Slot,
    *,
    marks: dict,
    competencies: dict | None = None,
    outcome: bool | None = None,
    outcome_reason: str = "",
    actor,
) -> Consolidation:
    """Record the panel's consolidated result of a slot, once, from the submitted grids.

    `marks`: {criterion_id: (acquired, comment)} for every criterion of the grid;
    `competencies`: {competency_id: (acquired, reason)} where the panel departs from the
    rule; `outcome`: a final oral's result when it departs from the rule (with a reason).
    """
    slot = (
        Slot.objects.select_for_update()
        .select_related("session__version", "assessment", "candidacy__candidate")
        .get(pk=slot.pk)
    )
    _check_slot(slot)
    competency_rule(slot.session.version)
    view = panel_view(slot)
    if not view.assessors:
        raise EvaluationError("Consolidation impossible : ce créneau n'a aucun évaluateur.")
    if view.missing:
        raise EvaluationError(
            f"Consolidation impossible : grille non remise par {_missing_names(view.missing)}."
        )
    broken = [item.grid.juror for item in view.grids if not item.intact]
    if broken:
        raise EvaluationError(
            "Consolidation impossible : la grille de "
            f"{_missing_names(broken)} ne correspond plus à son empreinte de remise."
        )
    marks = {int(k): (v[0], _clean_text(v[1])) for k, v in marks.items()}
    competencies = {int(k): v for k, v in (competencies or {}).items()}
    problems = _criterion_problems(view, marks)
    decisions = _competency_decisions(view, marks, competencies, problems)
    final = _outcome_decision(view, marks, outcome, outcome_reason, problems)
    if problems:
        raise EvaluationError(
            "Consolidation non enregistrée : corrigez les points signalés.", problems
        )
    return _record(slot, view, marks, decisions, final, actor)


def _record(slot, view, marks, decisions, final, actor) -> Consolidation:
    outcome, outcome_by_rule, outcome_reason = final
    consolidation = Consolidation.objects.create(
        slot=slot,
        recorded_by=actor if actor is not None and actor.pk else None,
        recorded_at=timezone.now(),
        outcome=outcome,
        outcome_by_rule=outcome_by_rule,
        outcome_reason=outcome_reason if outcome is not None else "",
    )
    rows = [row for group in view.groups for row in group.rows]
    ConsolidatedMark.objects.bulk_create(
        ConsolidatedMark(
            consolidation=consolidation,
            criterion=row.criterion,
            acquired=marks[row.criterion.pk][0],
            divergent=row.divergent,
            comment=marks[row.criterion.pk][1],
        )
        for row in rows
    )
    CompetencyResult.objects.bulk_create(
        CompetencyResult(
            consolidation=consolidation,
            candidacy=slot.candidacy,
            competency=group.competency,
            acquired=acquired,
            by_rule=rule_value,
            reason=reason,
        )
        for group, acquired, rule_value, reason in decisions
    )
    content = _content(
        [[r.criterion.code, *marks[r.criterion.pk], r.divergent] for r in rows],
        [[g.competency.code, a, b, reason] for g, a, b, reason in decisions],
        [outcome, outcome_by_rule, consolidation.outcome_reason],
    )
    move_slot(
        slot,
        SlotStatus.CONSOLIDATED,
        actor=actor,
        payload={
            "consolidation": consolidation.pk,
            "assessment": slot.assessment.code,
            "candidacy": slot.candidacy_id,
            "criteria": len(rows),
            "divergent": sum(r.divergent for r in rows),
            "not_acquired": sum(1 for r in rows if not marks[r.criterion.pk][0]),
            "competencies": {g.competency.code: a for g, a, _, _ in decisions},
            "departures": [g.competency.code for g, a, b, _ in decisions if a != b],
            "outcome": outcome,
            "outcome_departure": outcome is not None and outcome != outcome_by_rule,
            "sha256": content,
            "grids": {str(item.grid.juror_id): item.grid.content_hash for item in view.grids},
        },
    )
    return consolidation


def _content(criteria, competencies, outcome) -> str:
    """SHA-256 of the consolidated content: criteria [code, acquired, comment, divergent],
    competencies [code, acquired, by_rule, reason], outcome [value, by_rule, reason]."""
    data = {"criteria": criteria, "competencies": competencies, "outcome": outcome}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def consolidation_digest(consolidation: Consolidation) -> str:
    """The SHA-256 of the recorded content, recomputed: equal to the audit event's as long
    as nobody altered the rows (rows are read in insertion order)."""
    marks = consolidation.marks.select_related("criterion").order_by("pk")
    results = consolidation.competency_results.select_related("competency").order_by("pk")
    return _content(
        [[m.criterion.code, m.acquired, m.comment, m.divergent] for m in marks],
        [[r.competency.code, r.acquired, r.by_rule, r.reason] for r in results],
        [consolidation.outcome, consolidation.outcome_by_rule, consolidation.outcome_reason],
    )


# --- results of a candidacy ------------------------------------------------------------------


def latest_competency_results(candidacy) -> dict:
    """{competency_id: CompetencyResult}: the most recent consolidated result of each."""
    results = (
        CompetencyResult.objects.filter(candidacy=candidacy)
        .select_related("competency", "consolidation__slot__assessment")
        .order_by("competency_id", "-consolidation__recorded_at", "-pk")
    )
    latest: dict = {}
    for result in results:
        latest.setdefault(result.competency_id, result)
    return latest


class BlockProposal:
    ACQUIRED, NOT_ACQUIRED, INCOMPLETE = "acquis", "non acquis", "incomplet"

    def __init__(self, block, rows):
        self.block = block
        self.rows = rows  # [(competency, latest CompetencyResult or None)]
        self.missing = [c for c, r in rows if r is None]
        self.not_acquired = [c for c, r in rows if r is not None and not r.acquired]
        if self.not_acquired:
            self.status = self.NOT_ACQUIRED
        elif self.missing or not rows:
            self.status = self.INCOMPLETE
        else:
            self.status = self.ACQUIRED

    @property
    def is_incomplete(self) -> bool:
        return self.status == self.INCOMPLETE

    @property
    def missing_codes(self) -> str:
        return ", ".join(c.code for c in self.missing)


def proposed_block_results(candidacy, latest: dict | None = None) -> list[BlockProposal]:
    """Per block the candidacy aims at: the proposal for the certification jury.

    "acquis" when all its competencies have an acquired latest result, "non acquis" when
    one is not acquired, "incomplet" otherwise (some have no result yet). Never a decision.
    """
    block_rule(candidacy.version)
    latest = latest_competency_results(candidacy) if latest is None else latest
    blocks = candidacy.blocks.order_by("position").prefetch_related("competencies")
    return [
        BlockProposal(block, [(c, latest.get(c.pk)) for c in block.competencies.all()])
        for block in blocks
    ]


def final_oral_results(candidacy) -> list[Consolidation]:
    """The consolidated final orals (memoir oral, VAE oral) of a candidacy, oldest first."""
    return list(
        Consolidation.objects.filter(slot__candidacy=candidacy, slot__assessment__final=True)
        .select_related("slot__assessment", "slot__session", "recorded_by")
        .order_by("recorded_at", "pk")
    )
