"""The decision engine: from a candidacy's evidence to the decision proposed to the jury.

Pure: plain data in (`Evidence`), plain data out (`Proposal`), no database. The jury
confirms or departs from the proposal (`decisions.decide`, which applies the same rules).

Rules (referential of OPS Conseil, "Certification rules", domain.md):
- rule 1: the title requires every block of `title_requires_blocks`; each block may be
  obtained separately. A block counts as held when validated now (its consolidated result
  is "acquis") or held from an earlier decision (the ledger). A validated block is acquired
  for good (French law: a validated block, like a part of a certification obtained through
  VAE, is acquired permanently): it never stops counting.
- rule 3, for the title of every non-VAE pathway (training and free candidates alike: the
  source exempts no one, and the memoir is written about the placement), unless the
  referential's `training.required_for` says otherwise: the work placement
  (`training.work_placement_days`, 29 days) with its attestation, the memoir whose required
  parts the staff confirmed, and its oral (`training.memoir.oral_assessment`, E12) passed.
  ("Le candidat doit avoir également effectué une période de mise en application
  professionnelle de 29 jours" ; "Ce mémoire est présenté lors d'un oral de 30 mn lors de
  l'épreuve finale".) These are conditions of the title: a candidacy for some blocks gets
  its blocks without them.
- rule 5, VAE path: "le jury de certification s'appuiera sur : la recevabilité de la
  demande du candidat ; un dossier de validation [...] ; la présentation du dossier de
  validation dans un oral de 30 mn devant un jury". No validation (total or partial)
  without the three: admissibility declared, validation file declared complete, and the
  oral taken (`validation_blockers`); the jury may then only refuse, or postpone
  (`decisions.postpone`). "Ensemble, ils décident": the oral is held before the VAE jury's
  members, the same people hear and decide; a jury with a member who did not hear the
  candidate's oral decides nothing for that candidate (`decision_blockers`: postponement
  only). A failed oral (an oral with its own outcome) keeps the title away. Where the
  referential says the oral grants the registered blocks (`vae.oral_grants`:
  registered_blocks; an oral with its own criteria, covering no competency), a passed oral
  validates every block of the candidacy's scope, a failed one none.
- rule 6, the three decisions, on the candidacy's scope (what it registered for: the whole
  title, or some blocks): "La validation totale : le jury valide l'expérience et avalise la
  délivrance de la certification professionnelle visée dans sa globalité. Le jury peut
  également ne valider qu'un ou plusieurs blocs de manière distincte." So a total
  validation grants the whole scope: a candidacy for some blocks that obtains all of them
  (validated now or held) is a total validation of those blocks; a candidacy for the
  title needs the title. The title is awarded (`awards_title`) by a total validation when
  every required block is held and the pathway's conditions are met, whatever the scope
  (a candidacy for the last missing block completes the title). Partial validation: a
  scope not fully granted, with at least one block validated now or held. Refusal: no
  block validated now. After a partial validation "une nouvelle validation pourra être
  demandée dans un délai maximum de 5 ans suivant la délibération du jury":
  `partial_deadline` is that window for a new validation request (`validity_years` = 5),
  never an expiry of the blocks; after it the candidate may still register again and the
  held blocks still count.
"""

from datetime import date

from acquis.candidates.enums import Pathway
from acquis.juries.enums import DecisionKind
from acquis.juries.evidence_types import Evidence, Proposal

ACQUIRED = "acquis"


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year.

    "Dans un délai maximum de 5 ans suivant la délibération": the window must not exceed
    5 years, so a deliberation on 29 February ends on 28 February, never on 1 March.
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February -> a common year
        return day.replace(year=day.year + years, day=28)


def partial_deadline(evidence: Evidence) -> date:
    """The last day a new validation may be requested after a partial validation."""
    return add_years(evidence.deliberation_date, evidence.validity_years)


def held_codes(evidence: Evidence) -> set[str]:
    """Blocks held from earlier decisions: acquired for good, they always count."""
    return set(evidence.held_blocks)


def validated_by_results(evidence: Evidence) -> dict[str, bool]:
    """Per registered block: validated when its consolidated result is "acquis"; on the VAE
    path of a referential whose oral grants the registered blocks (`rules.vae.oral_grants`:
    registered_blocks), every registered block once the oral is passed."""
    if (
        evidence.pathway == Pathway.VAE
        and evidence.vae_oral_grants_blocks
        and evidence.vae_oral_passed is True
    ):
        return dict.fromkeys(evidence.registered_blocks, True)
    return {
        code: evidence.block_results.get(code) == ACQUIRED for code in evidence.registered_blocks
    }


def validation_blockers(evidence: Evidence) -> list[str]:
    """Why no validation (total or partial) may be recorded at all: on the VAE path, the
    three items the jury decides on (rule 5). A refusal or a postponement remain."""
    if evidence.pathway != Pathway.VAE:
        return []
    problems = []
    if not evidence.vae_admissible:
        problems.append("Recevabilité : la demande VAE n'a pas été déclarée recevable.")
    if not evidence.vae_file_complete:
        problems.append("Dossier de validation : il n'a pas été déclaré complet.")
    if evidence.vae_oral_passed is None:
        minutes = evidence.vae_oral_minutes
        before = f"{minutes} min devant le jury VAE" if minutes else "devant le jury VAE"
        problems.append(
            f"Oral de présentation du dossier de validation ({before}) : pas encore passé."
        )
    return problems


def decision_blockers(evidence: Evidence) -> list[str]:
    """Why this jury may decide nothing for the candidate (postponement only): on the VAE
    path, members who did not hear the candidate's oral ("Ensemble, ils décident")."""
    if evidence.pathway != Pathway.VAE or not evidence.vae_oral_unheard:
        return []
    names = ", ".join(evidence.vae_oral_unheard)
    return [
        "Oral VAE entendu par d'autres personnes que ce jury : n'ont pas entendu le candidat "
        f"{names}. Le jury VAE qui décide est celui devant qui l'oral a eu lieu."
    ]


def path_problems(evidence: Evidence) -> list[str]:
    """The pathway's own conditions for the title (rules 3 and 5), in French."""
    if evidence.pathway == Pathway.VAE:
        problems = validation_blockers(evidence)
        if evidence.vae_oral_passed is False:
            problems.append("Oral de présentation du dossier de validation : non réussi.")
        return problems
    problems = []
    required = evidence.required_placement_days
    if required:
        if evidence.placement_days < required:
            problems.append(
                "Période de mise en application professionnelle : "
                f"{evidence.placement_days} jours sur {required} exigés."
            )
        if not evidence.placement_attestation:
            problems.append(
                "Attestation de la période de mise en application professionnelle : non déposée."
            )
    if not evidence.memoir_required:
        return problems
    if not evidence.memoir_confirmed:
        problems.append(
            "Mémoire : ses parties exigées ne sont pas toutes confirmées par le certificateur."
        )
    if evidence.memoir_oral_passed is None:
        problems.append("Soutenance orale du mémoire : pas encore passée.")
    elif evidence.memoir_oral_passed is False:
        problems.append("Soutenance orale du mémoire : non réussie.")
    return problems


def scope_problems(evidence: Evidence, validated) -> list[str]:
    """Why the candidacy's scope is not fully granted with these blocks (empty: it is)."""
    if evidence.whole_title:
        return title_problems(evidence, validated)
    granted = set(validated) | held_codes(evidence)
    missing = [code for code in evidence.registered_blocks if code not in granted]
    if not missing:
        return []
    detail = ", ".join(_missing_label(evidence, code) for code in missing)
    return [f"Bloc(s) visé(s) par la candidature non validé(s) : {detail}."]


def title_problems(evidence: Evidence, validated) -> list[str]:
    """Why the title cannot be awarded with these blocks validated now (empty: it can)."""
    if not evidence.required_blocks:
        return ["Le référentiel ne fixe pas les blocs exigés pour le titre."]
    held = set(validated) | held_codes(evidence)
    missing = [code for code in evidence.required_blocks if code not in held]
    problems = []
    if missing:
        detail = ", ".join(_missing_label(evidence, code) for code in missing)
        problems.append(f"Bloc(s) exigé(s) pour le titre non détenu(s) : {detail}.")
    return problems + path_problems(evidence)


def _missing_label(evidence: Evidence, code: str) -> str:
    if code not in evidence.registered_blocks:
        return f"{code} (non visé)"
    result = evidence.block_results.get(code) or "sans résultat"
    return f"{code} ({result})"


def kind_for(evidence: Evidence, validated) -> str:
    """The decision the rules give for these validated blocks (rule 6)."""
    validated = set(validated)
    if validation_blockers(evidence) or decision_blockers(evidence):
        return DecisionKind.REFUSED
    if not scope_problems(evidence, validated):
        return DecisionKind.TOTAL
    if validated or held_codes(evidence):
        return DecisionKind.PARTIAL
    return DecisionKind.REFUSED


def awards_title(evidence: Evidence, kind: str, validated) -> bool:
    """A total validation awards the title when every required block is held and the
    pathway's conditions are met (the scope being the title or some blocks), by a jury that
    may decide for the candidate (`decision_blockers`)."""
    return (
        kind == DecisionKind.TOTAL
        and not decision_blockers(evidence)
        and not title_problems(evidence, set(validated))
    )


def propose(evidence: Evidence) -> Proposal:
    """The proposal shown to the jury: blocks from the results, then the decision; when no
    validation may be recorded (VAE without its oral, or a jury that did not hear it), a
    postponement, with no block."""
    postpone = tuple(decision_blockers(evidence) + validation_blockers(evidence))
    blocks = validated_by_results(evidence)
    if postpone:
        blocks = dict.fromkeys(blocks, False)
    validated = {code for code, value in blocks.items() if value}
    kind = kind_for(evidence, validated)
    title = awards_title(evidence, kind, validated)
    return Proposal(
        blocks=blocks,
        kind=kind,
        title=title,
        deadline=partial_deadline(evidence) if kind == DecisionKind.PARTIAL else None,
        reasons=postpone or (() if title else tuple(_why_not(evidence, kind, validated))),
        postpone=postpone,
    )


def decision_problems(evidence: Evidence, kind: str, validated) -> list[str]:
    """Every rule a decision of this kind with these blocks validated now breaks (empty: the
    rules permit it). The one check `decisions.decide` applies (texts apart)."""
    validated = set(validated)
    blocked = decision_blockers(evidence)
    if blocked:
        return [f"Aucune décision possible : {problem}" for problem in blocked]
    problems = []
    if kind in (DecisionKind.TOTAL, DecisionKind.PARTIAL):
        label = DecisionKind(kind).label
        problems += [f"{label} impossible : {p}" for p in validation_blockers(evidence)]
        if problems:
            return problems
    if kind == DecisionKind.TOTAL:
        # A total validation grants the whole scope: the title for a candidacy for the
        # title, every registered block for a candidacy for some blocks.
        problems += [
            f"Validation totale impossible : {p}" for p in scope_problems(evidence, validated)
        ]
    elif kind == DecisionKind.PARTIAL:
        if not validated and not held_codes(evidence):
            problems.append(
                "Validation partielle impossible : aucun bloc n'est validé ni déjà détenu ; "
                "validez au moins un bloc ou choisissez un refus."
            )
        elif kind_for(evidence, validated) == DecisionKind.TOTAL:
            problems.append(
                "Validation partielle impossible : tout ce que la candidature visait est "
                "accordé (blocs validés ou déjà détenus, conditions du parcours remplies) ; "
                "la décision est une validation totale."
            )
    elif validated:
        problems.append(
            f"Refus impossible avec des blocs validés ({', '.join(sorted(validated))}) : "
            "ne les validez pas ou choisissez une validation partielle."
        )
    return problems


def _why_not(evidence: Evidence, kind: str, validated) -> list[str]:
    """Why the title is not awarded: the scope's gaps, or (scope granted) the title's."""
    if kind != DecisionKind.TOTAL:
        return scope_problems(evidence, validated)
    return [
        "Le titre n'est pas attribué : " + p[0].lower() + p[1:]
        for p in title_problems(evidence, validated)
    ]
