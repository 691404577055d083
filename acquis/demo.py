"""The demo data of `make run`, built through the real services (idempotent).

Everything here goes through the domain verbs, so the demo shows what a real certifier
would see: the OPS Conseil referential, its staff, a partner, and a cohort of candidates
in varied situations (training and VAE, accommodations, partners).
"""

import io
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from acquis.candidates import services as dossiers
from acquis.candidates.enums import AccessMode, Pathway, VaeRoute
from acquis.candidates.models import Cohort
from acquis.candidates.portal import give_portal_access
from acquis.evaluations import services as evaluations
from acquis.evaluations.models import EvaluationSession
from acquis.organisations.enums import Habilitation, OrganisationKind, Role
from acquis.organisations.invitations import accept_invitation
from acquis.organisations.models import Organisation, User
from acquis.organisations.partners import create_partner
from acquis.organisations.services import ensure_certifier, grant_role
from acquis.referential import services as referential

DEMO_PASSWORD = "demo-acquis-2026"  # noqa: S105 - printed at start, demo only
COHORT = "Promotion Lyon 2026"
PARTNER = "Formation Plus Lyon"
PARTNER_SIRET = "73282932000074"  # fictitious number that passes the SIRET key


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str


STAFF = [
    ("admin@ops-conseil.demo", "Claire", "Martin", Role.ADMIN),
    ("epreuves@ops-conseil.demo", "Nadia", "Benali", Role.EXAM_MANAGER),
    ("jure@ops-conseil.demo", "Paul", "Girard", Role.JUROR),
]


def build_demo() -> list[DemoLogin]:
    # Invitation emails of the demo stay in memory: `make run` prints only the logins.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        return _build()


@transaction.atomic
def _build() -> list[DemoLogin]:
    certifier = ensure_certifier(
        name="OPS Conseil", address="1 Rue de Colonel Chambonnet – 69500 BRON"
    )
    version = referential.load_referential_file(
        settings.ACQUIS_BUILTIN_REFERENTIAL, owner=certifier
    ).version
    users = {role: _user(email, first, last, certifier, role) for email, first, last, role in STAFF}
    admin, manager = users[Role.ADMIN], users[Role.EXAM_MANAGER]
    partner = _partner(certifier, admin)
    partner_user = _user(
        "formateur@formation-plus.demo", "Julien", "Robert", partner, Role.PARTNER_STAFF
    )
    logins = [DemoLogin(u.email, role.label) for role, u in users.items()]
    logins.append(DemoLogin(partner_user.email, Role.PARTNER_STAFF.label))
    if not Cohort.objects.filter(certifier=certifier, name=COHORT).exists():
        _cohort(certifier, version, partner, manager)
    if not EvaluationSession.objects.filter(certifier=certifier).exists():
        _evaluations(certifier, version, users[Role.JUROR], manager)
    candidate_user = User.objects.filter(email="ines.moreau@exemple.fr").first()
    if candidate_user is not None:
        logins.append(DemoLogin(candidate_user.email, Role.CANDIDATE.label))
    return logins


def _user(email, first, last, organisation, role) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email,
            DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
    grant_role(user, organisation, role)
    return user


def _partner(certifier, admin) -> Organisation:
    existing = Organisation.objects.filter(kind=OrganisationKind.PARTNER, name=PARTNER).first()
    return existing or create_partner(
        certifier=certifier,
        name=PARTNER,
        siret=PARTNER_SIRET,
        habilitation=Habilitation.BOTH,
        actor=admin,
    )


def _pdf(name: str) -> SimpleUploadedFile:
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(name, io.BytesIO(body).read(), content_type="application/pdf")


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
            "email": _ascii(f"{first.split()[0]}.{birth_name}@exemple.fr").lower(),
        }
        if insee.startswith("99"):
            data["birth_country"] = "Viêt Nam"
        candidate = dossiers.create_candidate(certifier=certifier, data=data, actor=manager)
        _situation(situation, candidate, version, cohort, partner, manager)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


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
        placement, upload=_pdf("attestation-stage.pdf"), actor=manager
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
            dossiers.submit_memoir(candidacy, upload=_pdf("memoire-moreau.pdf"), actor=manager)
            for part in candidacy.memoir_parts():
                dossiers.confirm_memoir_part(candidacy, part_code=part["code"], actor=manager)
            _open_portal(candidate, manager)
        return
    if situation == "free_room":
        candidacy = _register(candidate, version, cohort, manager, free=True, blocks=["B3"])
        dossiers.add_accommodation(
            candidacy, kind="accessible_room", details="Salle en rez-de-chaussée", actor=manager
        )
        return
    candidacy = _register(candidate, version, cohort, manager, vae=True)
    request = dossiers.request_admissibility(
        candidacy, upload=_pdf("recevabilite.pdf"), actor=manager
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
        candidacy, upload=_pdf("dossier-validation.pdf"), actor=manager
    )
    if situation == "vae_awaiting_jury":
        dossiers.decide_validation_file(vfile, decision="complete", actor=manager)


def _evaluations(certifier, version, juror_user, manager) -> None:
    """Jurors (one not eligible) and an upcoming session whose panel cannot be confirmed."""
    today = date.today()  # noqa: DTZ011 - demo calendar in local dates
    trained_on = today - timedelta(days=20)
    people = [
        (juror_user, "Conseiller emploi", 7, False, True),
        (
            _user("representante@ops-conseil.demo", "Sophie", "Laurent", certifier, Role.JUROR),
            "Formatrice auprès d'un public en insertion",
            12,
            True,
            True,
        ),
        (
            _user("nouveau-jure@ops-conseil.demo", "Marc", "Petit", certifier, Role.JUROR),
            "Chargé d'insertion",
            2,
            False,
            False,
        ),
    ]
    profiles = []
    for user, role, years, represents, trained in people:
        profile = evaluations.record_juror(
            user=user,
            certifier=certifier,
            sector="insertion",
            role=role,
            years_experience=years,
            represents_certifier=represents,
            proof=_pdf("attestation-experience.pdf"),
            actor=manager,
        )
        if trained:
            evaluations.record_training(
                profile,
                version=version,
                trained_on=trained_on,
                trained_by="La responsable de l'organisation des épreuves",
                actor=manager,
            )
        profiles.append(profile)
    session = evaluations.plan_session(
        certifier=certifier,
        version=version,
        title="Session d'évaluation — blocs 1 et 2",
        on=today + timedelta(days=21),
        place="OPS Conseil, 1 Rue de Colonel Chambonnet, Bron",
        actor=manager,
    )
    for profile in profiles:  # Marc Petit: 2 years, not trained → confirmation refused
        evaluations.add_panel_member(session, profile, actor=manager)


def _open_portal(candidate, manager) -> None:
    """The candidate's own account, through the real invitation (its link is followed here)."""
    user = give_portal_access(candidate, actor=manager)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    accept_invitation(uid, default_token_generator.make_token(user), DEMO_PASSWORD)
