"""The demo data of `make run`, built through the real services (idempotent).

Everything here goes through the domain verbs, so the demo shows what a real certifier
would see: the OPS Conseil referential, its staff, a partner, and a cohort of candidates
in varied situations (training and VAE, accommodations, partners).
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.test.utils import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from acquis.candidates import services as dossiers
from acquis.candidates.enums import AccessMode, Pathway, VaeRoute
from acquis.candidates.models import Candidacy, Cohort
from acquis.demo import api as demo_api
from acquis.demo import followup as demo_followup
from acquis.demo import juries as demo_juries
from acquis.demo import second as demo_second
from acquis.demo.common import (
    DEMO_TOTP_KEY,
    PARTNER,
    PARTNER_SIRET,
    DemoLogin,
    ascii_only,
    open_portal,
    pdf,
    user,
)
from acquis.evaluations import consolidation, convocations, deliverables, grids, incidents, planning
from acquis.evaluations import services as evaluations
from acquis.evaluations.enums import ConflictKind, IncidentKind
from acquis.evaluations.models import EvaluationSession
from acquis.organisations.enums import Habilitation, OrganisationKind, Role
from acquis.organisations.models import Organisation, User
from acquis.organisations.partners import create_partner
from acquis.organisations.services import ensure_certifier
from acquis.referential import services as referential
from acquis.security import twofactor

COHORT = "Promotion Lyon 2026"


STAFF = [
    ("admin@ops-conseil.demo", "Claire", "Martin", Role.ADMIN),
    ("epreuves@ops-conseil.demo", "Nadia", "Benali", Role.EXAM_MANAGER),
    ("jure@ops-conseil.demo", "Paul", "Girard", Role.JUROR),
]


def build_demo() -> list[DemoLogin]:
    # Invitation emails of the demo stay in memory: `make run` prints only the logins.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        logins = _build()
    _enrol_second_factors()  # after the juries: their members sign PVs
    return logins


@transaction.atomic
def _build() -> list[DemoLogin]:
    certifier = ensure_certifier(
        name="OPS Conseil", address="1 Rue de Colonel Chambonnet – 69500 BRON"
    )
    version = referential.load_referential_file(
        settings.ACQUIS_BUILTIN_REFERENTIAL, owner=certifier
    ).version
    users = {role: user(email, first, last, certifier, role) for email, first, last, role in STAFF}
    admin, manager = users[Role.ADMIN], users[Role.EXAM_MANAGER]
    partner = _partner(certifier, admin)
    # Before the cohort: the partner's candidacies queue webhook deliveries (demo_api.py).
    api_client = demo_api.ensure_client(certifier, partner, admin)
    partner_user = user(
        "formateur@formation-plus.demo", "Julien", "Robert", partner, Role.PARTNER_STAFF
    )
    logins = [DemoLogin(u.email, role.label) for role, u in users.items()]
    logins.append(DemoLogin(partner_user.email, Role.PARTNER_STAFF.label))
    if not Cohort.objects.filter(certifier=certifier, name=COHORT).exists():
        _cohort(certifier, version, partner, manager)
    if not EvaluationSession.objects.filter(certifier=certifier).exists():
        _evaluations(certifier, version, users[Role.JUROR], manager)
    demo_api.log_deliveries(api_client)
    demo_followup.build(certifier, version, manager, today=date.today())  # noqa: DTZ011
    # Inès Moreau (2026, in training) and Julie Marchand (2025, certified: her documents).
    for email in ("ines.moreau@exemple.fr", "julie.marchand@exemple.fr"):
        candidate_user = User.objects.filter(email=email).first()
        if candidate_user is not None:
            logins.append(DemoLogin(candidate_user.email, Role.CANDIDATE.label))
    # A second certifier and its own title, after OPS Conseil: the installation's first
    # certifier, the one the environment's settings belong to.
    logins += demo_second.build(today=date.today())  # noqa: DTZ011 - demo calendar
    return logins


def _enrol_second_factors() -> None:
    """Every demo account that must use a second factor gets the printed demo secret."""
    seated = User.objects.filter(jury_seats__isnull=False).values("pk")
    for account in User.objects.filter(Q(email__endswith=".demo") | Q(pk__in=seated)):
        enrolled = TOTPDevice.objects.filter(user=account, key=DEMO_TOTP_KEY, confirmed=True)
        if twofactor.requires_two_factor(account) and not enrolled.exists():
            twofactor.enrol_with_key(account, DEMO_TOTP_KEY, name="Démonstration")


def _partner(certifier, admin) -> Organisation:
    existing = Organisation.objects.filter(kind=OrganisationKind.PARTNER, name=PARTNER).first()
    return existing or create_partner(
        certifier=certifier,
        name=PARTNER,
        siret=PARTNER_SIRET,
        habilitation=Habilitation.BOTH,
        actor=admin,
    )


# (birth name, first name, sex, birth date, INSEE code, situation)
PEOPLE = [
    ("Moreau", "Inès", "F", date(1992, 4, 17), "69123", "training_ready"),
    ("Bernard", "Lucas", "M", date(1988, 11, 2), "69266", "training_placement_short"),
    ("Nguyen", "Thi Lan", "F", date(1979, 6, 23), "99243", "training_extra_time"),
    ("Petit", "Samuel", "M", date(1995, 1, 9), "38185", "training_blocks"),
    ("Rousseau", "Chloé", "F", date(1990, 8, 30), "42218", "training_partner"),
    ("Haddad", "Karim", "M", date(1984, 3, 14), "69123", "training_withdrawn"),
    ("Lambert", "Sophie", "F", date(1976, 12, 5), "01053", "vae_pending"),
    ("Fontaine", "Marc", "M", date(1972, 7, 19), "69381", "vae_file_submitted"),
    ("Mercier", "Aïcha", "F", date(1981, 2, 27), "75056", "vae_awaiting_jury"),
    ("Garnier", "Olivier", "M", date(1969, 10, 11), "2A004", "vae_not_admissible"),
    ("Chevalier", "Emma", "F", date(1998, 5, 21), "69123", "free_room"),
    ("Blanc", "Hugo", "M", date(1993, 9, 3), "73065", "training_registered"),
]


def _cohort(certifier, version, partner, manager) -> None:
    today = date.today()  # noqa: DTZ011 - demo calendar in local dates
    cohort = dossiers.create_cohort(
        certifier=certifier,
        version=version,
        name=COHORT,
        starts_on=today - timedelta(days=120),
        ends_on=today + timedelta(days=90),
        memoir_deadline=today + timedelta(days=30),
        actor=manager,
    )
    for birth_name, first, sex, born, insee, situation in PEOPLE:
        data = {
            "birth_name": birth_name,
            "first_name": first,
            "sex": sex,
            "birth_date": born,
            "birth_insee_code": insee,
            "email": ascii_only(f"{first.split()[0]}.{birth_name}@exemple.fr").lower(),
        }
        if insee.startswith("99"):
            data["birth_country"] = "Viêt Nam"
        candidate = dossiers.create_candidate(certifier=certifier, data=data, actor=manager)
        _situation(situation, candidate, version, cohort, partner, manager)


def _register(
    candidate, version, cohort, manager, *, partner=None, blocks=None, vae=False, free=False
):
    if vae:
        kw = {"pathway": Pathway.VAE, "access_mode": AccessMode.VAE, "vae_route": VaeRoute.CLASSIC}
    elif free:
        kw = {"pathway": Pathway.FREE}
    else:
        kw = {"pathway": Pathway.TRAINING, "access_mode": AccessMode.CONTINUING}
    return dossiers.register_candidacy(
        candidate=candidate,
        version=version,
        cohort=None if vae or free else cohort,
        partner=partner,
        block_codes=blocks,
        actor=manager,
        **kw,
    )


def _placement(candidacy, manager, days: int) -> None:
    placement = dossiers.record_placement(
        candidacy,
        host_structure="Mission locale de Lyon",
        position="Conseiller en insertion",
        tutor_name="Mme Dubois",
        actor=manager,
    )
    start = date.today() - timedelta(days=90)  # noqa: DTZ011
    dossiers.add_placement_period(
        placement,
        starts_on=start,
        ends_on=start + timedelta(days=45),
        days_worked=days,
        actor=manager,
    )
    dossiers.attach_placement_attestation(
        placement, upload=pdf("attestation-stage.pdf"), actor=manager
    )


def _situation(situation, candidate, version, cohort, partner, manager) -> None:  # noqa: C901
    if situation.startswith("training"):
        candidacy = _register(
            candidate,
            version,
            cohort,
            manager,
            partner=partner if situation in {"training_partner", "training_ready"} else None,
            blocks=["B2", "B4"] if situation == "training_blocks" else None,
        )
        if situation == "training_registered":
            return
        dossiers.move_candidacy(candidacy, "in_progress", actor=manager)
        if situation == "training_withdrawn":
            dossiers.move_candidacy(
                candidacy, "withdrawn", actor=manager, reason="Reprise d'emploi à temps plein"
            )
            return
        _placement(candidacy, manager, 20 if situation == "training_placement_short" else 29)
        if situation == "training_extra_time":
            dossiers.add_accommodation(
                candidacy, kind="extra_time", extra_minutes=20, actor=manager
            )
        if situation == "training_ready":
            dossiers.submit_memoir(candidacy, upload=pdf("memoire-moreau.pdf"), actor=manager)
            for part in candidacy.memoir_parts():
                dossiers.confirm_memoir_part(candidacy, part_code=part["code"], actor=manager)
            open_portal(candidate, manager)
        if situation in {"training_extra_time", "training_partner"}:
            _memoir_checked(situation, candidacy, manager)
        return
    if situation == "free_room":
        candidacy = _register(candidate, version, cohort, manager, free=True, blocks=["B3"])
        dossiers.add_accommodation(
            candidacy, kind="accessible_room", details="Salle en rez-de-chaussée", actor=manager
        )
        return
    candidacy = _register(candidate, version, cohort, manager, vae=True)
    request = dossiers.request_admissibility(
        candidacy, upload=pdf("recevabilite.pdf"), actor=manager
    )
    if situation == "vae_pending":
        return
    if situation == "vae_not_admissible":
        dossiers.decide_admissibility(
            request,
            decision="not_admissible",
            actor=manager,
            reason="Expérience en lien avec le titre inférieure à un an",
        )
        return
    dossiers.decide_admissibility(request, decision="admissible", actor=manager)
    vfile = dossiers.submit_validation_file(
        candidacy, upload=pdf("dossier-validation.pdf"), actor=manager
    )
    if situation == "vae_awaiting_jury":
        dossiers.decide_validation_file(vfile, decision="complete", actor=manager)


MISSING_PART = (
    "L'analyse de l'action ne présente ni ses forces ni ses faiblesses ; ajoutez vos "
    "propositions d'ajustement."
)


def _memoir_checked(situation, candidacy, manager) -> None:
    """Thi Lan Nguyen: six parts confirmed, the seventh marked missing with what to add (she
    reads it in her space). Chloé Rousseau: every part confirmed, then a new file replaced
    it: the staff check it again (the earlier checks stay in the history)."""
    parts = [part["code"] for part in candidacy.memoir_parts()]
    name = ascii_only(candidacy.candidate.birth_name).lower()
    dossiers.submit_memoir(candidacy, upload=pdf(f"memoire-{name}.pdf"), actor=manager)
    for code in parts[:-1]:
        dossiers.confirm_memoir_part(candidacy, part_code=code, actor=manager)
    if situation == "training_extra_time":
        dossiers.check_memoir_part(
            candidacy, part_code=parts[-1], present=False, reason=MISSING_PART, actor=manager
        )
        return
    dossiers.confirm_memoir_part(candidacy, part_code=parts[-1], actor=manager)
    dossiers.submit_memoir(candidacy, upload=pdf(f"memoire-{name}-v2.pdf"), actor=manager)


def _evaluations(certifier, version, juror_user, manager) -> None:
    """Jurors (one not eligible), a past session fully graded (with a divergence), a session
    held today (grids to fill) and an upcoming one whose panel the validator refuses."""
    today = date.today()  # noqa: DTZ011 - demo calendar in local dates
    trained_on = today - timedelta(days=180)  # before every demo session
    # (user, role, years, represents the certifier, trained, structure)
    people = [
        (juror_user, "Conseiller emploi", 7, False, True, "France Travail Lyon Part-Dieu"),
        (
            user("representante@ops-conseil.demo", "Sophie", "Laurent", certifier, Role.JUROR),
            "Formatrice auprès d'un public en insertion",
            12,
            True,
            True,
            "OPS Conseil",
        ),
        (
            user("nouveau-jure@ops-conseil.demo", "Marc", "Petit", certifier, Role.JUROR),
            "Chargé d'insertion",
            2,
            False,
            False,
            "",
        ),
        (
            user("julien.morel@insertion-lyon.demo", "Julien", "Morel", certifier, Role.JUROR),
            "Chargé d'insertion",
            5,
            False,
            True,
            "Maison de l'emploi de Vénissieux",
        ),
    ]
    profiles = []
    for account, role, years, represents, trained, structure in people:
        profile = evaluations.record_juror(
            user=account,
            certifier=certifier,
            sector="insertion",
            role=role,
            years_experience=years,
            represents_certifier=represents,
            structure=structure,
            proof=pdf("attestation-experience.pdf"),
            actor=manager,
        )
        if trained:
            # "formés en amont par la responsable de l'organisation des épreuves": Nadia
            # Benali, with the attendance sheet of the training day.
            evaluations.record_training(
                profile,
                version=version,
                trained_on=trained_on,
                trainer=manager,
                attendance=pdf("feuille-emargement.pdf"),
                actor=manager,
            )
        profiles.append(profile)
    paul, sophie, marc, julien = profiles
    people_by_name = {
        c.candidate.birth_name: c
        for c in Candidacy.objects.filter(candidate__certifier=certifier).select_related(
            "candidate"
        )
    }
    # Paul Girard worked with Lucas Bernard: never on his slots.
    evaluations.declare_conflict(
        paul,
        candidate=people_by_name["Bernard"].candidate,
        kind=ConflictKind.COLLEAGUE,
        note="Anciens collègues à la Mission locale",
        actor=manager,
    )
    # Paul cannot assess Lucas Bernard: Julien Morel is the professional on his slot.
    _past_session(certifier, version, manager, [paul, sophie, julien], people_by_name, today)
    demo_juries.build(certifier, version, manager, jurors=(paul, sophie), today=today)
    _today_session(certifier, version, manager, [paul, sophie], people_by_name, today)
    session = evaluations.plan_session(
        certifier=certifier,
        version=version,
        title="Session d'évaluation — blocs 3 et 4",
        on=today + timedelta(days=21),
        place="OPS Conseil, 1 Rue de Colonel Chambonnet, Bron",
        actor=manager,
    )
    # The representative and Marc Petit (2 years, not trained): no qualified professional
    # besides the representative → confirmation refused, each reason shown.
    for profile in (sophie, marc):
        evaluations.add_panel_member(session, profile, actor=manager)
    # Lucas Bernard, excused at the past session, convoked again.
    _slot(session, people_by_name["Bernard"], "E1", "09:00", 60, manager)
    _slot(session, people_by_name["Moreau"], "E7", "10:30", 60, manager)
    _slot(session, people_by_name["Petit"], "E9", "13:30", 60, manager)


def _at(on: date, hhmm: str) -> datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return datetime.combine(on, time(hours, minutes), tzinfo=timezone.get_current_timezone())


def _slot(session, candidacy, code, hhmm, minutes, manager, room=""):
    return planning.add_slot(
        session,
        assessment=session.version.assessments.get(code=code),
        candidacy=candidacy,
        starts_at=_at(session.date, hhmm),
        duration_minutes=minutes,
        room=room,
        actor=manager,
    )


def _deliver(slot, candidacy, manager) -> None:
    """The candidate's preparatory deliverables, uploaded the week before the deadline."""
    before = slot.session.deliverables_due_at - timedelta(days=7)
    for deliverable in slot.assessment.deliverables.all():
        name = (
            f"{deliverable.code.lower()}-{ascii_only(candidacy.candidate.birth_name).lower()}.pdf"
        )
        deliverables.upload_deliverable(
            slot,
            deliverable,
            upload=pdf(name),
            actor=candidacy.candidate.user or manager,
            now=before,
        )


def _fill(slot, juror, not_acquired=(), comments=None, submit=True, only=None) -> None:
    """A juror's grid, criterion by criterion through the autosave verb, then submitted."""
    grid = grids.ensure_grid(slot, juror)
    access = grids.grid_access(grid.pk, juror.user_id)
    marks = list(grid.marks.select_related("criterion").order_by("position"))
    for mark in marks[:only]:
        code = mark.criterion.code
        acquired = code not in not_acquired
        comment = (comments or {}).get(code, "")
        if not acquired and not comment:
            comment = "Non observé pendant la mise en situation."
        grids.save_mark(access, mark.pk, acquired=acquired, comment=comment, revision=0)
    if submit:
        grids.submit_grid(grid, actor=juror.user)


def _consolidate(slot, manager, chosen=None, departures=None) -> None:
    """The panel's result: the unanimous value, or the panel's choice on a divergence."""
    view = consolidation.panel_view(slot)
    marks = {}
    for group in view.groups:
        for row in group.rows:
            value = row.proposed if row.proposed is not None else chosen[row.criterion.code][0]
            comment = chosen[row.criterion.code][1] if row.divergent else ""
            marks[row.criterion.pk] = (value, comment)
    consolidation.consolidate(slot, marks=marks, competencies=departures or {}, actor=manager)


def _past_session(certifier, version, manager, panel, people, today) -> None:
    """Two weeks ago: convoked, deliverables in, graded (a divergence), one excused absence."""
    session = evaluations.plan_session(
        certifier=certifier,
        version=version,
        title="Session d'évaluation — bloc 1",
        on=today - timedelta(days=14),
        place="OPS Conseil, 1 Rue de Colonel Chambonnet, Bron",
        actor=manager,
    )
    for profile in panel:
        evaluations.add_panel_member(session, profile, actor=manager)
    moreau, nguyen, bernard, rousseau = (
        people[n] for n in ("Moreau", "Nguyen", "Bernard", "Rousseau")
    )
    e1_moreau = _slot(session, moreau, "E1", "09:00", 60, manager, room="Salle Rhône")
    e2_moreau = _slot(session, moreau, "E2", "10:30", 90, manager, room="Salle Rhône")
    e1_nguyen = _slot(session, nguyen, "E1", "13:00", 60, manager, room="Salle Saône")
    e1_bernard = _slot(session, bernard, "E1", "14:40", 60, manager, room="Salle Saône")
    e1_rousseau = _slot(session, rousseau, "E1", "16:00", 60, manager, room="Salle Rhône")
    evaluations.confirm_panel(session, actor=manager)
    convocations.send_convocations(session, actor=manager)
    for slot, candidacy in ((e1_moreau, moreau), (e2_moreau, moreau), (e1_nguyen, nguyen)):
        _deliver(slot, candidacy, manager)
    planning.open_session(session, actor=manager)
    paul, sophie, julien = panel
    first_c11 = version.blocks.get(code="B1").competencies.get(code="C1.1").criteria.first()
    # Inès Moreau, E1: Paul disagrees with Sophie and Julien on one criterion (the divergence).
    _fill(
        e1_moreau,
        paul,
        not_acquired=[first_c11.code],
        comments={first_c11.code: "Présentation de l'action trop rapide, objectifs peu clairs."},
    )
    _fill(e1_moreau, sophie)
    _fill(e1_moreau, julien)
    _consolidate(
        e1_moreau,
        manager,
        chosen={
            first_c11.code: (
                True,
                "Après échange : les objectifs figuraient sur le support remis au jury.",
            )
        },
    )
    for slot in (e2_moreau, e1_nguyen):
        for juror in panel:
            _fill(slot, juror)
        _consolidate(slot, manager)
    # Chloé Rousseau, E1: both find the same criterion not acquired → C1.1 not acquired.
    for juror in panel:
        _fill(e1_rousseau, juror, not_acquired=[first_c11.code])
    _consolidate(e1_rousseau, manager)
    incidents.record_incident(
        e1_bernard,
        kind=IncidentKind.ABSENCE_EXCUSED,
        note="Arrêt de travail transmis la veille : à convoquer de nouveau.",
        actor=manager,
    )
    planning.close_session(session, actor=manager)


def _today_session(certifier, version, manager, panel, people, today) -> None:
    """Held today: opened, the juror's grids to fill (one started)."""
    session = evaluations.plan_session(
        certifier=certifier,
        version=version,
        title="Session d'évaluation — bloc 2",
        on=today,
        place="OPS Conseil, 1 Rue de Colonel Chambonnet, Bron",
        actor=manager,
    )
    for profile in panel:
        evaluations.add_panel_member(session, profile, actor=manager)
    moreau, nguyen = people["Moreau"], people["Nguyen"]
    first = _slot(session, moreau, "E3", "09:00", 60, manager, room="Salle Rhône")
    _slot(session, nguyen, "E3", "14:00", 60, manager, room="Salle Rhône")
    _slot(session, moreau, "E4", "16:00", 60, manager, room="Salle Rhône")
    evaluations.confirm_panel(session, actor=manager)
    convocations.send_convocations(session, actor=manager)
    planning.open_session(session, actor=manager)
    _fill(first, panel[0], submit=False, only=4)  # Paul Girard has started his grid
