"""The deliberation screen, shared by the certifier's staff (/gestion/deliberations/) and the
jury members (/jury/deliberations/): one card per candidate (evidence, the engine's proposal,
the decision form) and the decide endpoint. Each audience's views decide who reaches it and
which deliberation (acquis.www.perms, acquis.www.jury.deliberation_perms).

`DecisionForm` reads one candidate's posted decision; the screen itself renders its inputs
by hand from `evidence.gather` (300 candidates: no form object per candidate on GET).
"""

from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from acquis.dates import short_date
from acquis.errors import AcquisError
from acquis.juries import corrections, decisions, engine, evidence, standing
from acquis.juries.enums import DecisionKind, DeliberationStatus
from acquis.referential import provenance

S = DeliberationStatus
RESULT_LABELS = {True: "acquise", False: "non acquise", None: "sans résultat"}


# The jury's other answer beside the three decisions: no decision this time (decisions.postpone).
POSTPONE = "postponed"
DECISION_CHOICES = [*DecisionKind.choices, (POSTPONE, "Ajournement (un autre jury décidera)")]


class DecisionForm(forms.Form):
    """One candidate's decision as posted by the screen (names fixed by the template)."""

    kind = forms.ChoiceField(
        label="Décision",
        choices=DECISION_CHOICES,
        error_messages={"required": "Décision : choisissez la décision du jury."},
    )
    blocks = forms.MultipleChoiceField(label="Blocs validés", required=False)
    reason = forms.CharField(label="Motif", required=False)
    further_evidence = forms.CharField(label="Compléments demandés", required=False)
    correction_reason = forms.CharField(label="Motif de la correction", required=False)

    def __init__(self, *args, block_codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["blocks"].choices = [(code, code) for code in block_codes]
        self.fields["blocks"].error_messages["invalid_choice"] = (
            "Bloc : %(value)s ne fait pas partie des blocs visés par le candidat."
        )

    def blocks_map(self) -> dict[str, bool]:
        chosen = set(self.cleaned_data["blocks"])
        return {code: code in chosen for code, _ in self.fields["blocks"].choices}


# --- the screen ----------------------------------


@dataclass
class Posted:
    """A refused decision: what was posted for one candidate, and why it was refused."""

    candidacy_id: int
    kind: str = ""
    blocks: set = field(default_factory=set)
    reason: str = ""
    further_evidence: str = ""
    correction_reason: str = ""
    message: str = ""
    problems: list = field(default_factory=list)


@dataclass
class BlockLine:
    code: str
    title: str
    status: str  # the proposed result: "acquis" / "non acquis" / "incomplet"
    summary: str  # "5 / 5 acquise(s)"
    competencies: str  # "C1.1 acquise ; C1.2 non acquise…" (built here: 7,200 for 300)
    held: str  # "Non" / "Oui, acquis définitivement"
    checked: bool


@dataclass
class Card:
    """One candidate on the screen, as plain values: the template only prints them (the
    screen of 300 candidates renders in a fraction of a second)."""

    file: object  # evidence.CandidateFile
    name: str
    scope: str
    blocks: list
    facts: list  # [(label, text)]
    kind: str
    reason: str
    further_evidence: str
    correction_reason: str
    deadline: date
    decide_url: str
    proposal: str
    decision: str
    corrects: str = ""
    refusal: Posted | None = None
    aside: list = field(default_factory=list)  # [standing.StandAside]
    blocked: list = field(default_factory=list)  # why this jury cannot decide on them

    @property
    def anchor(self) -> str:
        return f"candidat-{self.file.entry.pk}"

    @property
    def proposal_label(self) -> str:
        proposal = self.file.proposal
        if proposal.postpone:
            return "Ajournement"
        return kind_label(proposal.kind, proposal.title)

    @property
    def decision_label(self) -> str:
        decision = self.file.decision
        return kind_label(decision.kind, decision.title_awarded) if decision else ""


def kind_label(kind: str, title: bool) -> str:
    """ "Validation totale (titre)" / "Validation totale des blocs visés" / the kind."""
    label = DecisionKind(kind).label
    if kind != DecisionKind.TOTAL:
        return label
    return f"{label} (titre attribué)" if title else f"{label} des blocs visés (sans le titre)"


def _competencies(result) -> tuple[str, int]:
    parts, acquired = [], 0
    for competency, outcome in result.rows:
        value = None if outcome is None else outcome.acquired
        acquired += value is True
        parts.append(f"{competency.code} {RESULT_LABELS[value]}")
    return " ; ".join(parts), acquired


def _line(row, checked: bool) -> BlockLine:
    text, acquired = _competencies(row.result)
    held = "Oui, acquis définitivement" if row.held else "Non"
    title = row.block.title
    return BlockLine(
        code=row.block.code,
        title=title if len(title) <= 60 else title[:59] + "…",
        status=row.status,
        summary=f"{acquired} / {len(row.result.rows)} acquise(s)",
        competencies=text,
        held=held,
        checked=checked,
    )


def _oral(oral) -> str:
    if oral is None:
        return "Non passé"
    if oral.outcome is None:
        result = "Consolidé, résultats par compétence"
    else:
        result = "Réussi" if oral.outcome else "Non réussi"
    return f"{result} ({oral.slot.assessment.code}, {short_date(oral.recorded_at)})"


def _facts(file) -> list[tuple[str, str]]:
    """The pathway's evidence the engine uses: work placement days and attestation, memoir
    checked and its oral, VAE steps, held blocks."""
    facts = []
    required = file.required_placement_days
    if required:
        reached = "atteint" if file.placement_days >= required else "insuffisant"
        facts.append(
            (
                "Période d'application professionnelle",
                f"{file.placement_days} jour(s) sur {required} exigés ({reached})",
            )
        )
        facts.append(
            (
                "Attestation de la période",
                "Déposée" if file.placement_attestation else "Non déposée",
            )
        )
    memoir = file.memoir
    if memoir.required or memoir.oral_required:
        facts.append(("Mémoire", _memoir_text(memoir)))
        facts.append(("Oral du mémoire", _oral(memoir.oral)))
    vae = file.vae
    if vae is not None:
        request, vfile = vae.admissibility, vae.validation_file
        facts.append(
            (
                "Recevabilité",
                (request.get_decision_display() or "En cours d'examen")
                if request
                else "Aucune demande",
            )
        )
        facts.append(
            (
                "Dossier de validation",
                (vfile.get_decision_display() or "En cours d'examen") if vfile else "Non déposé",
            )
        )
        facts.append(("Oral VAE", _oral(vae.oral)))
    held = [f"{row.block_code} (décision du {short_date(row.granted_on)})" for row in file.held]
    facts.append(
        ("Blocs acquis définitivement (décisions antérieures)", " ; ".join(held) or "Aucun")
    )
    return facts


def _memoir_text(memoir) -> str:
    if not memoir.submitted:
        return "Non déposé"
    text = f"Déposé ; {memoir.parts_confirmed} partie(s) confirmée(s) sur {memoir.parts_required}"
    if memoir.parts_missing:
        text += f", {memoir.parts_missing} signalée(s) manquante(s)"
    return text + (" (confirmé)" if memoir.confirmed else " (à compléter)")


def _decision_text(file) -> str:
    decision = file.decision
    entry = file.entry
    if decision is None and entry.postponed_at is not None:
        author = entry.postponed_by or "—"
        when = timezone.localtime(entry.postponed_at)
        return (
            f"Ajournement enregistré : {entry.postponement_reason} — saisi par {author} le "
            f"{when:%d/%m/%Y %H:%M}. La candidature attend un autre jury."
        )
    if decision is None:
        return ""
    text = f"Décision enregistrée : {kind_label(decision.kind, decision.title_awarded)}"
    if file.departs:
        text += " (s'écarte de la proposition)"
    if decision.deadline:
        text += (
            f" — demandes de nouvelle validation possibles jusqu'au {short_date(decision.deadline)}"
        )
    author = decision.decided_by or "—"
    return (
        text
        + f" — saisie par {author} le {timezone.localtime(decision.decided_at):%d/%m/%Y %H:%M}."
    )


def _card(deliberation, file, decide_name, posted: Posted | None, corrected, sitting) -> Card:
    decision = file.decision
    if posted is not None:
        chosen = posted.blocks
        values = (posted.kind, posted.reason, posted.further_evidence, posted.correction_reason)
    elif decision is not None:
        chosen = {bd.block.code for bd in file.block_decisions if bd.validated}
        values = (
            decision.kind,
            decision.reason,
            decision.further_evidence,
            decision.correction_reason,
        )
    elif file.entry.postponed_at is not None:
        chosen = set()
        values = (POSTPONE, file.entry.postponement_reason, "", "")
    else:
        chosen = {code for code, value in file.proposal.blocks.items() if value}
        kind = POSTPONE if file.proposal.postpone else file.proposal.kind
        values = (kind, "", "", "")
    lines = [_line(row, row.block.code in chosen) for row in file.blocks]
    candidacy = file.candidacy
    scope = (
        "titre complet"
        if candidacy.whole_title
        else "blocs visés : " + ", ".join(line.code for line in lines)
    )
    proposal = kind_label(file.proposal.kind, file.proposal.title)
    if engine.decision_blockers(file.evidence):
        proposal = "Ajournement : ce jury ne peut rien décider pour ce candidat (voir ci-dessous)"
    elif file.proposal.postpone:
        proposal = (
            "Ajournement : aucune validation ne peut être prononcée maintenant (seuls un refus "
            "motivé ou un ajournement sont possibles, voir ci-dessous)"
        )
    if file.proposal.deadline:
        until = short_date(file.proposal.deadline)
        proposal += f" (demandes de nouvelle validation possibles jusqu'au {until})"
    old = corrected.get(candidacy.pk)
    return Card(
        file=file,
        name=candidacy.candidate.full_name,
        scope=f"{candidacy.get_pathway_display()} · {scope}",
        blocks=lines,
        facts=_facts(file),
        kind=values[0],
        reason=values[1],
        further_evidence=values[2],
        correction_reason=values[3],
        deadline=engine.partial_deadline(file.evidence),
        decide_url=reverse(decide_name, args=[deliberation.pk, candidacy.pk]),
        proposal=proposal,
        decision=_decision_text(file),
        corrects=(
            f"Correction de la décision du {short_date(old.deliberation.date)} "
            f"({old.get_kind_display().lower()})."
            if old
            else ""
        ),
        refusal=posted,
        aside=sitting.aside if sitting else [],
        blocked=sitting.problems if sitting else [],
    )


def screen_context(deliberation, *, decide_name: str, can_decide: bool, posted=None) -> dict:
    """What the deliberation screen shows: one card per candidate, from evidence.gather
    (a constant number of queries), and the summary table's counts."""
    files = evidence.gather(deliberation)
    sittings = standing.standings(deliberation, [file.candidacy for file in files])
    corrected = {}
    if files and corrections.is_correction(deliberation):
        # A correction deliberation lists one candidacy or a few: one lookup each.
        for file in files:
            corrected[file.candidacy.pk] = corrections.corrected_decision(
                deliberation, file.candidacy
            )
    cards = [
        _card(
            deliberation,
            file,
            decide_name,
            posted if posted and posted.candidacy_id == file.candidacy.pk else None,
            corrected,
            sittings.get(file.candidacy.pk),
        )
        for file in files
    ]
    return {
        "cards": cards,
        "can_decide": can_decide and deliberation.status == S.OPEN,
        "decided_count": sum(1 for card in cards if card.file.decision is not None),
        "waiting_count": sum(1 for card in cards if card.blocked),
        "rules_applied": provenance.deliberation_rules(deliberation.version.rules or {}),
        "decision_kinds": DECISION_CHOICES,
        "postponed_count": sum(1 for card in cards if card.file.entry.postponed_at),
        "refused_card": next((c for c in cards if c.refusal is not None), None),
    }


def record_decision(request, deliberation, candidacy_pk, *, rerender, page_url):
    """The decide endpoint of both audiences: one candidate's form → decisions.decide."""
    entry = (
        deliberation.entries.filter(candidacy_id=candidacy_pk)
        .select_related("candidacy__candidate")
        .first()
    )
    if entry is None:
        raise Http404("Candidat introuvable sur cette délibération.")
    candidacy = entry.candidacy
    codes = list(candidacy.blocks.order_by("position").values_list("code", flat=True))
    form = DecisionForm(request.POST, block_codes=codes)
    posted = Posted(
        candidacy_id=candidacy.pk,
        kind=request.POST.get("kind", ""),
        blocks=set(request.POST.getlist("blocks")),
        reason=request.POST.get("reason", ""),
        further_evidence=request.POST.get("further_evidence", ""),
        correction_reason=request.POST.get("correction_reason", ""),
    )
    if not form.is_valid():
        posted.message = "Décision non enregistrée : corrigez les points signalés."
        posted.problems = [error for errors in form.errors.values() for error in errors]
        return rerender(posted)
    data = form.cleaned_data
    if data["kind"] == POSTPONE:
        return _postpone(request, deliberation, entry, data, posted, rerender, page_url)
    try:
        corrections.record(
            deliberation,
            candidacy,
            blocks=form.blocks_map(),
            kind=data["kind"],
            reason=data["reason"],
            further_evidence=data["further_evidence"],
            correction_reason=data["correction_reason"],
            actor=request.user,
        )
    except AcquisError as exc:
        posted.message = str(exc)
        posted.problems = [getattr(p, "message", p) for p in exc.problems]
        return rerender(posted)
    messages.success(
        request,
        f"Décision enregistrée pour {candidacy.candidate.full_name} : "
        f"{DecisionKind(data['kind']).label.lower()}.",
    )
    return redirect(f"{page_url}#candidat-{entry.pk}")


def _postpone(request, deliberation, entry, data, posted, rerender, page_url):
    candidacy = entry.candidacy
    try:
        decisions.postpone(deliberation, candidacy, reason=data["reason"], actor=request.user)
    except AcquisError as exc:
        posted.message = str(exc)
        posted.problems = [getattr(p, "message", p) for p in exc.problems]
        return rerender(posted)
    messages.success(
        request,
        f"Ajournement enregistré pour {candidacy.candidate.full_name} : la candidature attend "
        "un autre jury.",
    )
    return redirect(f"{page_url}#candidat-{entry.pk}")
