"""Certification juries arranged through the real verbs, for every juries test.

- `ready_candidacy(version, ...)`: a candidacy brought to "en attente du jury" with
  consolidated results (training and free: sittings of its blocks, work placement days and
  attestation, memoir with its parts confirmed, memoir oral; VAE: admissibility, a complete
  validation file, then the VAE oral).
- `deliberation(version, candidacies, ...)`: a lawful jury (employers' and employees'
  representatives, external; a trainer of the certifier), candidates listed, opened. A VAE
  deliberation's jury is, by default, the people who heard its first candidate's VAE oral
  (`vae_jury`: the same people hear and decide).
- `decide_as_proposed(...)`: the engine's proposal confirmed through `decisions.decide`.
- `sign_all(deliberation)`: minutes closed and signed by every member (PV signed).

The juries modules are imported inside the functions: each helper's module may land later.
"""

import itertools
from datetime import date, timedelta

from django.utils import timezone

from acquis.candidates import services as candidate_services
from acquis.candidates.enums import CandidacyStatus, ValidationFileDecision
from acquis.evaluations import consolidation, planning
from acquis.evaluations import services as evaluation_services
from acquis.organisations.enums import Role
from tests import consolidation_factories as cf
from tests import evaluation_factories as ef
from tests import factories
from tests.conftest import PASSWORD, make_user

_seq = itertools.count(1)
PLACEMENT_START = date(2025, 3, 3)
PARTIAL_REASON = "Blocs non acquis lors des épreuves : compléments demandés."
# The reason given when a candidacy missing evidence is presented to the jury anyway (the
# tests of the engine's title conditions need such candidacies before the jury).
DEROGATION = "Présentée au jury par dérogation : le jury constatera ce qui manque."
REFUSAL_REASON = "Aucun bloc démontré lors des épreuves."


# --- evaluations --------------------------------------------------------------------------


def sittings_for(version, block_codes) -> list[str]:
    """Codes of the non-final sittings that assess a competency of these blocks."""
    return list(
        version.assessments.filter(final=False, competencies__block__code__in=block_codes)
        .order_by("position")
        .values_list("code", flat=True)
        .distinct()
    )


def evaluate(version, candidacy, codes, *, not_acquired=(), jurors=None):
    """One session held today with a slot per code (50 minutes apart), every slot consolidated
    (every criterion acquired but the codes in `not_acquired`); `jurors`: its panel."""
    if not codes:
        return []
    session = ef.session(version, title=f"Session {next(_seq)}", jurors=jurors)
    slots = [
        ef.slot(session, candidacy, code=code, hhmm=_hhmm(i), minutes=45)
        for i, code in enumerate(codes)
    ]
    evaluation_services.confirm_panel(session)
    planning.open_session(session, today=session.date)
    for slot in slots:
        slot.refresh_from_db()
        cf.submit_all(slot, not_acquired)
        consolidation.consolidate(slot, marks=cf.proposed_marks(slot), actor=None)
    return slots


def _hhmm(index: int) -> str:
    minutes = 8 * 60 + 50 * index
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# --- candidacies --------------------------------------------------------------------------


def ready_candidacy(
    version,
    *,
    blocks=None,
    not_acquired=(),
    placement_days=29,
    memoir_oral=True,
    vae=False,
    free=False,
    file_complete=True,
    vae_oral=True,
    evaluated_blocks=None,
    person=None,
    to_jury=True,
    attestation=True,
    memoir_checked=True,
    heard_by=None,
    partner=None,
    actor=None,
):
    """A candidacy with consolidated results, sent to the jury (`to_jury`; by derogation,
    with a reason, when evidence the title needs is missing).

    `blocks`: registered block codes (None: the whole title); `not_acquired`: criterion
    codes marked not acquired (e.g. "C3.2.1" makes B3 "non acquis"); `memoir_oral`: True
    (E12 passed), False (failed), None (not taken); `placement_days`: days worked and
    `attestation` (its attestation uploaded), `memoir_checked` (the memoir's 7 parts
    confirmed; without it the memoir oral cannot be held), for training and free
    candidates; VAE: `file_complete` (validation file declared complete), `vae_oral` (E13
    taken, before `heard_by`: a `vae_jury(version)`, a new one by default, kept on the
    candidacy as `candidacy.vae_jury`); `evaluated_blocks`: only the sittings of these blocks
    are taken (default: every registered block), e.g. a new candidacy that starts from
    blocks already held.
    """
    if vae:
        return _vae_candidacy(
            version,
            blocks=blocks,
            not_acquired=not_acquired,
            file_complete=file_complete,
            vae_oral=vae_oral,
            person=person,
            heard_by=heard_by or vae_jury(version),
            actor=actor,
        )
    candidacy = factories.candidacy(
        version,
        started=True,
        free=free,
        blocks=blocks,
        person=person,
        partner=partner,
        actor=actor,
    )
    if evaluated_blocks is None:
        evaluated_blocks = [b.code for b in candidacy.blocks.all()]
    codes = sittings_for(version, evaluated_blocks)
    if placement_days:
        _placement(candidacy, placement_days, attestation, actor)
    oral = _memoir_oral_code(version)
    if memoir_oral is not None or memoir_checked:
        candidate_services.submit_memoir(candidacy, upload=factories.pdf_upload(), actor=actor)
    if memoir_checked:
        reviewer = actor or make_user(f"relecteur{next(_seq)}@exemple.fr")
        for part in candidacy.memoir_parts():
            candidate_services.confirm_memoir_part(
                candidacy, part_code=part["code"], actor=reviewer
            )
    taken = memoir_oral is not None and memoir_checked and oral
    codes = codes + ([oral] if taken else [])
    failed = list(not_acquired) + ([f"{oral}.1"] if memoir_oral is False else [])
    evaluate(version, candidacy, codes, not_acquired=failed)
    if to_jury:
        candidate_services.move_candidacy(
            candidacy,
            CandidacyStatus.AWAITING_JURY,
            actor=actor,
            override_reason=DEROGATION,
        )
    candidacy.refresh_from_db()
    return candidacy


def _memoir_oral_code(version) -> str | None:
    return (((version.rules or {}).get("training") or {}).get("memoir") or {}).get(
        "oral_assessment"
    )


def _placement(candidacy, days, attestation, actor):
    placement = candidate_services.record_placement(
        candidacy,
        host_structure="Mission locale de Bron",
        position="Conseiller en insertion (stagiaire)",
        tutor_name="Claire Tuteur",
        actor=actor,
    )
    candidate_services.add_placement_period(
        placement,
        starts_on=PLACEMENT_START,
        ends_on=PLACEMENT_START + timedelta(days=days + 14),
        days_worked=days,
        actor=actor,
    )
    if attestation:
        candidate_services.attach_placement_attestation(
            placement, upload=factories.pdf_upload("attestation.pdf"), actor=actor
        )


def vae_jury(version):
    """A lawful VAE jury whose members are also eligible assessors (experience, proof,
    trained; the certifier's trainer represents the certifier): the VAE oral can be held
    before them. A list of (user, role, external, organisation) with `.profiles`."""
    from acquis.juries.enums import JuryRole

    certifier = version.certification.owner
    n = next(_seq)
    seats = [
        (JuryRole.EMPLOYER_REPRESENTATIVE, True, "Union des entreprises du Rhône", "Véra"),
        (JuryRole.EMPLOYEE_REPRESENTATIVE, True, "Syndicat des salariés de l'insertion", "Vic"),
        (JuryRole.CERTIFIER_TRAINER, False, "", "Valentin"),
    ]
    members = _Jury()
    for role, external, organisation, first_name in seats:
        profile = ef.juror(
            certifier,
            version,
            f"vae-{role.value.split('_')[0]}{n}@jury.fr",
            represents=role == JuryRole.CERTIFIER_TRAINER,
            first_name=first_name,
            last_name=f"Vae{n}",
        )
        members.append((profile.user, role, external, organisation))
        members.profiles.append(profile)
    return members


class _Jury(list):
    """Seats of a jury, with the juror records of its members (`profiles`)."""

    def __init__(self):
        super().__init__()
        self.profiles = []


def _vae_candidacy(
    version, *, blocks, not_acquired, file_complete, vae_oral, person, heard_by, actor
):
    candidacy = factories.candidacy(
        version, vae=True, admissible=True, blocks=blocks, person=person, actor=actor
    )
    vfile = candidate_services.submit_validation_file(
        candidacy, upload=factories.pdf_upload("dossier.pdf"), actor=actor
    )
    reviewer = actor or make_user(f"relecteur{next(_seq)}@exemple.fr")
    if file_complete:
        candidate_services.decide_validation_file(
            vfile, decision=ValidationFileDecision.COMPLETE, actor=reviewer
        )
    else:
        candidate_services.decide_validation_file(
            vfile,
            decision=ValidationFileDecision.INCOMPLETE,
            reason="Pièces manquantes.",
            actor=reviewer,
        )
    oral = ((version.rules or {}).get("vae") or {}).get("oral_assessment")
    # The oral comes after the validation file declared complete, before the VAE jury.
    if vae_oral and oral and file_complete:
        evaluate(version, candidacy, [oral], not_acquired=not_acquired, jurors=heard_by.profiles)
    candidacy.refresh_from_db()
    candidacy.vae_jury = heard_by
    return candidacy


def new_candidacy(previous, *, blocks=None, **kw):
    """Another candidacy of the same person (after a decision), ready for the jury."""
    return ready_candidacy(previous.version, person=previous.candidate, blocks=blocks, **kw)


# --- juries -------------------------------------------------------------------------------


def jury_users(certifier) -> list[tuple]:
    """(user, role, external, organisation) of a lawful jury: the referential's 3 seats; the
    external members are insertion professionals with a juror record (sector, 5 years,
    proof: `rules.jury_members.external`)."""
    from acquis.juries.enums import JuryRole

    n = next(_seq)
    seats = [
        (JuryRole.EMPLOYER_REPRESENTATIVE, True, "Union des entreprises du Rhône", "Emma"),
        (JuryRole.EMPLOYEE_REPRESENTATIVE, True, "Syndicat des salariés de l'insertion", "Sam"),
        (JuryRole.CERTIFIER_TRAINER, False, "", "Théo"),
    ]
    members = []
    for role, external, organisation, first_name in seats:
        user = make_user(
            f"{role.value.split('_')[0]}{n}@jury.fr",
            certifier,
            Role.JUROR,
            first_name=first_name,
            last_name=f"Jury{n}",
        )
        if external:
            professional(user, certifier)
        members.append((user, role, external, organisation))
    return members


def professional(user, certifier, *, years=5, sector="insertion", structure=""):
    """The juror record of an insertion professional (jury_members.external)."""
    return evaluation_services.record_juror(
        user=user,
        certifier=certifier,
        sector=sector,
        role="Conseiller emploi",
        years_experience=years,
        structure=structure,
        proof=factories.pdf_upload("experience.pdf"),
    )


def deliberation(
    version,
    candidacies=(),
    *,
    kind=None,
    on=None,
    title="Jury de certification",
    place="OPS Conseil, Bron",
    members=None,
    opened=True,
    actor=None,
):
    """A deliberation with a lawful jury, all present, the candidacies listed, opened."""
    from acquis.juries import deliberations
    from acquis.juries.enums import JuryKind

    certifier = version.certification.owner
    result = deliberations.prepare(
        certifier,
        version,
        kind=kind or JuryKind.CERTIFICATION,
        title=title,
        on=on or timezone.localdate(),
        place=place,
        actor=actor,
    )
    if members is None and kind == JuryKind.VAE and candidacies:
        members = getattr(candidacies[0], "vae_jury", None)
    for user, role, external, organisation in members or jury_users(certifier):
        deliberations.add_member(
            result, user, role=role, external=external, organisation=organisation, actor=actor
        )
    if candidacies:
        deliberations.add_candidates(result, list(candidacies), actor=actor)
    if opened:
        deliberations.open_deliberation(result, actor=actor)
    result.refresh_from_db()
    return result


def member_users(deliberation) -> list:
    return [m.user for m in deliberation.members.select_related("user").order_by("pk")]


def decide_as_proposed(deliberation, candidacy, *, actor=None, reason="", further_evidence=""):
    """The engine's proposal confirmed (reasons filled in when the decision needs them)."""
    from acquis.juries import decisions, evidence
    from acquis.juries.enums import DecisionKind

    file = evidence.gather_one(deliberation, candidacy)
    proposal = file.proposal
    if proposal.kind == DecisionKind.PARTIAL:
        reason = reason or PARTIAL_REASON
        further_evidence = further_evidence or "Repasser les épreuves des blocs non acquis."
    elif proposal.kind == DecisionKind.REFUSED:
        reason = reason or REFUSAL_REASON
    return decisions.decide(
        deliberation,
        candidacy,
        blocks=dict(proposal.blocks),
        kind=proposal.kind,
        reason=reason,
        further_evidence=further_evidence,
        actor=actor or member_users(deliberation)[0],
    )


def sign_all(deliberation, *, actor=None):
    """Close the deliberation (minutes generated) and sign with every member's password."""
    from acquis.juries import minutes

    pv = minutes.close_deliberation(deliberation, actor=actor or member_users(deliberation)[0])
    for user in member_users(deliberation):
        minutes.sign(pv, user, password=PASSWORD, actor=user)
    deliberation.refresh_from_db()
    return pv


def decided_and_signed(version, candidacies, *, on=None, **kw):
    """A deliberation where every candidacy gets the proposed decision, minutes signed."""
    result = deliberation(version, candidacies, on=on, **kw)
    for candidacy in candidacies:
        decide_as_proposed(result, candidacy)
    sign_all(result)
    return result


def correction(decision, *, on=None, members=None, actor=None):
    """A correction deliberation for a signed decision: lawful jury, opened."""
    from acquis.juries import corrections, deliberations

    certifier = decision.deliberation.certifier
    result = corrections.start_correction(
        decision,
        on=on or max(timezone.localdate(), decision.deliberation.date),
        place="OPS Conseil, Bron",
        title="Jury de correction",
        actor=actor,
    )
    for user, role, external, organisation in members or jury_users(certifier):
        deliberations.add_member(
            result, user, role=role, external=external, organisation=organisation, actor=actor
        )
    deliberations.open_deliberation(result, actor=actor)
    result.refresh_from_db()
    return result
