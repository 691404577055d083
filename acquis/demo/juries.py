"""The certification juries of the demo, built through the real verbs (see acquis/demo/core.py).

A 2025 cohort evaluated on every sitting it needs, then one signed deliberation with the
three kinds of decision and what it issues (credentials.py): Julie Marchand's title,
Thomas Roux's partial validation (blocks acquired for good, new validation requests possible
for 5 years), Yanis Faure's refusal, and Léa Perrin, registered for block 1 only, with a
total validation of her block (her attestation, not the title). A VAE candidate, Fatou
Diallo, is postponed by a first VAE jury (no oral yet: no validation possible), then passes
her 30-minute oral before the members of the VAE jury, who award her the title. Today, an
open VAE jury where the demo juror sits: Aïcha Mercier is listed without her oral, so the
screen proposes a postponement. The signed jury's employees' representative works where
the fourth training candidate, Léa Vidal, did her placement: he stands aside for her, the PV
says so and why, and she waits for a prepared jury where a substitute employees'
representative sits.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from acquis.candidates import services as dossiers
from acquis.demo import credentials as demo_credentials
from acquis.demo.common import DEMO_PASSWORD, PARTNER, pdf, user
from acquis.evaluations import consolidation, grids, planning
from acquis.evaluations import services as evaluations
from acquis.evaluations.models import JurorProfile
from acquis.juries import decisions, deliberations, evidence, minutes, standing
from acquis.juries.enums import DecisionKind, JuryKind, JuryRole
from acquis.organisations.enums import Role
from acquis.organisations.models import Organisation

PLACE = "OPS Conseil, 1 Rue de Colonel Chambonnet, Bron"
PEOPLE_2025 = [
    # (birth name, first name, sex, birth date, INSEE code, situation)
    ("Marchand", "Julie", "F", date(1991, 2, 14), "69123", "total"),
    ("Roux", "Thomas", "M", date(1987, 7, 1), "69266", "partial"),
    ("Faure", "Yanis", "M", date(1996, 10, 8), "38185", "refused"),
    ("Perrin", "Léa", "F", date(1994, 3, 12), "69387", "blocks_total"),
    ("Vidal", "Léa", "F", date(1994, 5, 3), "69123", "waiting"),
]
# Where the external members work (juror records): the jury's conflict checks compare it
# with the structure where each candidate did the work placement.
RACHID_STRUCTURE = "Association Tremplin Emploi"
VAE_2025 = ("Diallo", "Fatou", "F", date(1983, 5, 4), "69123")
POSTPONED = (
    "L'oral de présentation du dossier de validation (30 minutes devant le jury VAE) n'a pas "
    "encore eu lieu : aucune validation ne peut être prononcée sans lui."
)


def build(certifier, version, manager, *, jurors, today) -> None:
    """`jurors` = (Paul Girard, Sophie Laurent) juror records (trained long enough ago)."""
    paul, sophie = jurors
    helene = user("helene.dumas@entreprises-rhone.demo", "Hélène", "Dumas", certifier, Role.JUROR)
    rachid = user(
        "rachid.amrani@salaries-insertion.demo", "Rachid", "Amrani", certifier, Role.JUROR
    )
    # "deux professionnels du secteur de l'insertion extérieurs à l'organisme certificateur".
    for member, role, years, structure in (
        (helene, "Directrice d'une entreprise d'insertion", 15, "Rhône Services Insertion"),
        (rachid, "Conseiller en insertion professionnelle", 9, RACHID_STRUCTURE),
    ):
        evaluations.record_juror(
            user=member,
            certifier=certifier,
            sector="insertion",
            role=role,
            years_experience=years,
            structure=structure,
            proof=pdf("attestation-experience.pdf"),
            actor=manager,
        )
    cohort = dossiers.create_cohort(
        certifier=certifier,
        version=version,
        name="Promotion Lyon 2025",
        starts_on=today - timedelta(days=300),
        ends_on=today - timedelta(days=60),
        memoir_deadline=today - timedelta(days=110),
        actor=manager,
    )
    candidacies = []
    for index, (birth_name, first, sex, born, insee, situation) in enumerate(PEOPLE_2025):
        candidate = person(certifier, manager, birth_name, first, sex, born, insee)
        candidacies.append(
            evaluated(
                situation,
                candidate,
                version,
                cohort,
                manager,
                panel=(paul, sophie),
                on=today - timedelta(days=100 - 5 * index),
            )
        )
    signed = prepare_jury(
        certifier,
        version,
        manager,
        kind=JuryKind.CERTIFICATION,
        title="Jury de certification — promotion 2025",
        on=today - timedelta(days=45),
        seats=[
            (helene, JuryRole.EMPLOYER_REPRESENTATIVE, True, "Union des entreprises du Rhône"),
            (
                rachid,
                JuryRole.EMPLOYEE_REPRESENTATIVE,
                True,
                "Collectif des salariés de l'insertion",
            ),
            (sophie.user, JuryRole.CERTIFIER_TRAINER, False, ""),
        ],
        candidacies=candidacies,
    )
    reasons = {
        DecisionKind.PARTIAL: (
            "Bloc 3 non acquis : la coordination du parcours n'a pas été démontrée lors de "
            "la mise en situation E7.",
            "Repasser l'épreuve E7 (bloc 3) lors d'une prochaine session.",
        ),
        DecisionKind.REFUSED: (
            "Le bloc 3, seul bloc visé, n'est pas acquis à l'issue des épreuves.",
            "",
        ),
    }
    for candidacy in candidacies:
        if not standing.standing_for(signed, candidacy).may_decide:
            continue  # Léa Vidal: Rachid Amrani stands aside, she waits (PV)
        proposal = evidence.gather_one(signed, candidacy).proposal
        reason, further = reasons.get(proposal.kind, ("", ""))
        decisions.decide(
            signed,
            candidacy,
            blocks=dict(proposal.blocks),
            kind=proposal.kind,
            reason=reason,
            further_evidence=further,
            actor=helene,
        )
    sign_minutes(signed, manager, (helene, rachid, sophie.user))
    demo_credentials.issue(signed, manager)
    vae_jury = [
        (helene, JuryRole.EMPLOYER_REPRESENTATIVE, True, "Union des entreprises du Rhône"),
        (rachid, JuryRole.EMPLOYEE_REPRESENTATIVE, True, "Collectif des salariés de l'insertion"),
        (sophie.user, JuryRole.CERTIFIER_TRAINER, False, ""),
    ]
    _vae_postponed_then_decided(
        certifier, version, manager, seats=vae_jury, sophie=sophie, today=today
    )
    # Léa Vidal waits for a jury where a substitute employees' representative sits.
    waiting = [c for c in candidacies if c.candidate.birth_name == "Vidal"]
    prepare_jury(
        certifier,
        version,
        manager,
        kind=JuryKind.CERTIFICATION,
        title="Jury de certification — promotion 2025 (suppléance)",
        on=today + timedelta(days=14),
        seats=[
            (helene, JuryRole.EMPLOYER_REPRESENTATIVE, True, "Union des entreprises du Rhône"),
            (
                paul.user,
                JuryRole.EMPLOYEE_REPRESENTATIVE,
                True,
                "Collectif des salariés de l'insertion",
            ),
            (sophie.user, JuryRole.CERTIFIER_TRAINER, False, ""),
        ],
        candidacies=waiting,
        opened=False,
    )
    # Open today: a VAE jury on which the demo juror (Paul Girard) sits.
    awaiting = version.candidacies.filter(
        candidate__certifier=certifier, pathway="vae", status="awaiting_jury"
    )
    prepare_jury(
        certifier,
        version,
        manager,
        kind=JuryKind.VAE,
        title="Jury VAE",
        on=today,
        seats=[
            (helene, JuryRole.EMPLOYER_REPRESENTATIVE, True, "Union des entreprises du Rhône"),
            (
                paul.user,
                JuryRole.EMPLOYEE_REPRESENTATIVE,
                True,
                "Collectif des salariés de l'insertion",
            ),
            (sophie.user, JuryRole.CERTIFIER_TRAINER, False, ""),
        ],
        candidacies=list(awaiting),
    )


def person(certifier, manager, birth_name, first, sex, born, insee):
    return dossiers.create_candidate(
        certifier=certifier,
        data={
            "birth_name": birth_name,
            "first_name": first,
            "sex": sex,
            "birth_date": born,
            "birth_insee_code": insee,
            "email": f"{first.lower()}.{birth_name.lower()}@exemple.fr",
        },
        actor=manager,
    )


def sign_minutes(deliberation, manager, members) -> None:
    pv = minutes.close_deliberation(deliberation, actor=manager)
    for member in members:
        minutes.sign(pv, member, password=DEMO_PASSWORD, actor=member)


def _vae_postponed_then_decided(certifier, version, manager, *, seats, sophie, today):
    """Fatou Diallo (VAE): admissible, validation file complete; a first VAE jury cannot
    validate without the oral and postpones; the oral is held before the VAE jury's members
    (their juror records), who then decide: the same people hear and decide."""
    candidate = person(certifier, manager, *VAE_2025)
    candidacy = dossiers.register_candidacy(
        candidate=candidate,
        version=version,
        pathway="vae",
        access_mode="VAE",
        vae_route="VAE_CLASSIQUE",
        actor=manager,
    )
    request = dossiers.request_admissibility(
        candidacy, upload=pdf("recevabilite-diallo.pdf"), actor=manager
    )
    dossiers.decide_admissibility(request, decision="admissible", actor=manager)
    vfile = dossiers.submit_validation_file(
        candidacy, upload=pdf("dossier-validation-diallo.pdf"), actor=manager
    )
    dossiers.decide_validation_file(vfile, decision="complete", actor=manager)
    first = prepare_jury(
        certifier,
        version,
        manager,
        kind=JuryKind.VAE,
        title="Jury VAE — mars",
        on=today - timedelta(days=40),
        seats=seats,
        candidacies=[candidacy],
    )
    helene, rachid = seats[0][0], seats[1][0]
    decisions.postpone(first, candidacy, reason=POSTPONED, actor=helene)
    sign_minutes(first, manager, [seat[0] for seat in seats])
    # The oral, before the jury's three members (two of them recorded as jurors here).
    panel = [_juror_record(member, certifier, version, manager) for member in (helene, rachid)]
    hold(
        candidacy,
        version,
        manager,
        codes=["E13"],
        panel=[*panel, sophie],
        on=today - timedelta(days=30),
    )
    second = prepare_jury(
        certifier,
        version,
        manager,
        kind=JuryKind.VAE,
        title="Jury VAE — avril",
        on=today - timedelta(days=25),
        seats=seats,
        candidacies=[candidacy],
    )
    proposal = evidence.gather_one(second, candidacy).proposal
    decisions.decide(
        second, candidacy, blocks=dict(proposal.blocks), kind=proposal.kind, actor=helene
    )
    sign_minutes(second, manager, [seat[0] for seat in seats])


def _juror_record(member, certifier, version, manager):
    """The VAE jury's external members assess the oral: their juror records (recorded with
    the jury above), trained to the referential by the person in charge of organising the
    evaluations, with the attendance sheet (`rules.juror_training`)."""
    profile = JurorProfile.objects.get(user=member, certifier=certifier)
    evaluations.record_training(
        profile,
        version=version,
        trained_on=date.today() - timedelta(days=180),  # noqa: DTZ011 - demo calendar
        trainer=manager,
        attendance=pdf("feuille-emargement.pdf"),
        actor=manager,
    )
    return profile


def prepare_jury(
    certifier, version, manager, *, kind, title, on, seats, candidacies, opened=True, place=PLACE
):
    """A deliberation seated with `seats` [(user, role, external, organisation)], the
    candidacies listed, opened unless `opened=False`."""
    result = deliberations.prepare(
        certifier, version, kind=kind, title=title, on=on, place=place, actor=manager
    )
    for member, role, external, organisation in seats:
        deliberations.add_member(
            result, member, role=role, external=external, organisation=organisation, actor=manager
        )
    if candidacies:
        deliberations.add_candidates(result, candidacies, actor=manager)
    if opened:
        deliberations.open_deliberation(result, actor=manager)
    return result


def _partner(certifier) -> Organisation:
    return Organisation.objects.get(certifier=certifier, name=PARTNER)


def evaluated(situation, candidate, version, cohort, manager, *, panel, on, registered_on=None):
    """Registered, trained, evaluated on every sitting of its blocks, sent to the jury (a
    candidacy for the title with its work placement, attestation and memoir checked)."""
    free = situation == "refused"
    blocks_only = {"refused": ["B3"], "blocks_total": ["B1"]}.get(situation)
    candidacy = dossiers.register_candidacy(
        candidate=candidate,
        version=version,
        cohort=None if free else cohort,
        # Thomas Roux trained with the partner organisation (statistics by partner).
        partner=_partner(candidate.certifier) if situation == "partial" else None,
        block_codes=blocks_only,
        registered_on=registered_on,
        actor=manager,
        pathway="free" if free else "training",
        **(
            {}
            if free
            else {"access_mode": "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION"}
        ),
    )
    dossiers.move_candidacy(candidacy, "in_progress", actor=manager)
    blocks = list(candidacy.blocks.values_list("code", flat=True))
    codes = list(
        version.assessments.filter(final=False, competencies__block__code__in=blocks)
        .order_by("position")
        .values_list("code", flat=True)
        .distinct()
    )
    if blocks_only is None:  # the title's conditions: placement, memoir and its oral
        placement = dossiers.record_placement(
            candidacy,
            host_structure=RACHID_STRUCTURE if situation == "waiting" else "PLIE de Villeurbanne",
            position="Chargé(e) d'accompagnement (stage)",
            tutor_name="M. Lefèvre",
            actor=manager,
        )
        start = on - timedelta(days=200)
        dossiers.add_placement_period(
            placement,
            starts_on=start,
            ends_on=start + timedelta(days=45),
            days_worked=29,
            actor=manager,
        )
        dossiers.attach_placement_attestation(
            placement, upload=pdf("attestation-stage.pdf"), actor=manager
        )
        dossiers.submit_memoir(candidacy, upload=pdf("memoire.pdf"), actor=manager)
        for part in candidacy.memoir_parts():
            dossiers.confirm_memoir_part(candidacy, part_code=part["code"], actor=manager)
        codes.append("E12")
    failed = set()
    if situation in {"partial", "refused"}:
        failed = {version.blocks.get(code="B3").competencies.get(code="C3.1").criteria.first().code}
    hold(candidacy, version, manager, codes=codes, panel=panel, on=on, failed=failed)
    dossiers.move_candidacy(candidacy, "awaiting_jury", actor=manager)
    candidacy.refresh_from_db()
    return candidacy


def hold(candidacy, version, manager, *, codes, panel, on, failed=(), place=PLACE):
    """A session on `on` with one slot per sitting for the candidacy, graded by the panel
    (every criterion acquired but `failed`), consolidated and closed."""
    candidate = candidacy.candidate
    session = evaluations.plan_session(
        certifier=version.certification.owner,
        version=version,
        title=f"Session d'évaluation — {candidate.first_name} {candidate.birth_name}",
        on=on,
        place=place,
        actor=manager,
    )
    for juror in panel:
        evaluations.add_panel_member(session, juror, actor=manager)
    zone = timezone.get_current_timezone()
    slots = []
    minutes_from_eight = 8 * 60
    for code in codes:
        assessment = version.assessments.get(code=code)
        # At least the referential's fixed duration (it never shortens), one after another.
        duration = 30 if code in {"E12", "E13"} else max(45, assessment.duration_minutes or 0)
        start = datetime.combine(
            on, time(minutes_from_eight // 60, minutes_from_eight % 60), tzinfo=zone
        )
        slots.append(
            planning.add_slot(
                session,
                assessment=assessment,
                candidacy=candidacy,
                starts_at=start,
                duration_minutes=duration,
                actor=manager,
            )
        )
        minutes_from_eight += duration + 5
    evaluations.confirm_panel(session, actor=manager)
    planning.open_session(session, actor=manager, today=on)
    for slot in slots:
        slot.refresh_from_db()
        for juror in panel:
            grid = grids.ensure_grid(slot, juror)
            access = grids.grid_access(grid.pk, juror.user_id)
            for mark in grid.marks.select_related("criterion"):
                acquired = mark.criterion.code not in failed
                grids.save_mark(
                    access,
                    mark.pk,
                    acquired=acquired,
                    comment="" if acquired else "Non démontré pendant la mise en situation.",
                    revision=mark.revision,
                )
            grids.submit_grid(grid, actor=juror.user)
        view = consolidation.panel_view(slot)
        marks = {
            row.criterion.pk: (row.proposed, "") for group in view.groups for row in group.rows
        }
        consolidation.consolidate(slot, marks=marks, actor=manager)
    planning.close_session(session, actor=manager)
