"""The certification juries of the demo, built through the real verbs (see acquis/demo.py).

A 2025 cohort of four candidates evaluated on every sitting they need, then one signed
deliberation with the three kinds of decision (total validation, partial validation,
refusal) and what it issues (demo_credentials.py). Its employees' representative works where
the fourth candidate, Léa Vidal, did her placement: he stands aside for her, the PV says so
and why, and she waits for a prepared jury where a substitute employees' representative
sits. One open VAE deliberation on which the demo juror sits.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from acquis import demo_credentials
from acquis.candidates import services as dossiers
from acquis.evaluations import consolidation, grids, planning
from acquis.evaluations import services as evaluations
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
    ("Vidal", "Léa", "F", date(1994, 5, 3), "69123", "waiting"),
]
# Where the external members work (juror records): the jury's conflict checks compare it
# with the structure where each candidate did the work placement.
RACHID_STRUCTURE = "Association Tremplin Emploi"


def build(certifier, version, manager, *, user, pdf, jurors, today) -> None:
    """`user(email, first, last, organisation, role)` and `pdf(name)` come from acquis.demo;
    `jurors` = (Paul Girard, Sophie Laurent) juror records (trained long enough ago)."""
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
        candidate = dossiers.create_candidate(
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
        candidacies.append(
            _evaluated(
                situation,
                candidate,
                version,
                cohort,
                manager,
                pdf=pdf,
                panel=(paul, sophie),
                on=today - timedelta(days=100 - 5 * index),
            )
        )
    signed = _deliberation(
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
    pv = minutes.close_deliberation(signed, actor=manager)
    from acquis.demo import DEMO_PASSWORD

    for member in (helene, rachid, sophie.user):
        minutes.sign(pv, member, password=DEMO_PASSWORD, actor=member)
    demo_credentials.issue(signed, manager)
    # Léa Vidal waits for a jury where a substitute employees' representative sits.
    waiting = [c for c in candidacies if c.candidate.birth_name == "Vidal"]
    _deliberation(
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
    _deliberation(
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


def _deliberation(certifier, version, manager, *, kind, title, on, seats, candidacies, opened=True):
    result = deliberations.prepare(
        certifier, version, kind=kind, title=title, on=on, place=PLACE, actor=manager
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
    from acquis.demo import PARTNER

    return Organisation.objects.get(certifier=certifier, name=PARTNER)


def _evaluated(situation, candidate, version, cohort, manager, *, pdf, panel, on):
    """Registered, trained, evaluated on every sitting of its blocks, sent to the jury."""
    free = situation == "refused"
    candidacy = dossiers.register_candidacy(
        candidate=candidate,
        version=version,
        cohort=None if free else cohort,
        # Thomas Roux trained with the partner organisation (statistics by partner).
        partner=_partner(candidate.certifier) if situation == "partial" else None,
        block_codes=["B3"] if free else None,
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
    if not free:
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
        dossiers.submit_memoir(candidacy, upload=pdf("memoire.pdf"), actor=manager)
        codes.append("E12")
    failed = set()
    if situation in {"partial", "refused"}:
        failed = {version.blocks.get(code="B3").competencies.get(code="C3.1").criteria.first().code}
    session = evaluations.plan_session(
        certifier=version.certification.owner,
        version=version,
        title=f"Session d'évaluation — {candidate.first_name} {candidate.birth_name}",
        on=on,
        place=PLACE,
        actor=manager,
    )
    for juror in panel:
        evaluations.add_panel_member(session, juror, actor=manager)
    zone = timezone.get_current_timezone()
    slots = []
    for index, code in enumerate(codes):
        minutes_from_eight = 8 * 60 + 50 * index
        start = datetime.combine(
            on, time(minutes_from_eight // 60, minutes_from_eight % 60), tzinfo=zone
        )
        slots.append(
            planning.add_slot(
                session,
                assessment=version.assessments.get(code=code),
                candidacy=candidacy,
                starts_at=start,
                duration_minutes=30 if code == "E12" else 45,
                actor=manager,
            )
        )
    evaluations.confirm_panel(session, actor=manager)
    planning.open_session(session, actor=manager)
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
    dossiers.move_candidacy(candidacy, "awaiting_jury", actor=manager)
    candidacy.refresh_from_db()
    return candidacy
