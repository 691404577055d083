"""Evaluation sessions arranged through the real verbs: jurors, a lawful panel, slots."""

import itertools
from datetime import date, datetime, time

from django.utils import timezone

from acquis.evaluations import planning, services
from acquis.organisations.enums import Role
from acquis.organisations.models import User
from tests import factories
from tests.conftest import make_user

_seq = itertools.count(1)
TRAINED_ON = date(2025, 1, 6)


def juror(
    certifier,
    version,
    email=None,
    *,
    years=5,
    proof=True,
    trained=True,
    represents=False,
    role="Conseiller emploi",
    first_name="",
    last_name="",
):
    email = email or f"jure{next(_seq)}@exemple.fr"
    user = make_user(email, certifier, Role.JUROR)
    if first_name or last_name:
        user.first_name, user.last_name = first_name, last_name
        user.save(update_fields=["first_name", "last_name"])
    profile = services.record_juror(
        user=user,
        certifier=certifier,
        sector="insertion",
        role=role,
        years_experience=years,
        represents_certifier=represents,
        proof=factories.pdf_upload() if proof else None,
    )
    if trained:
        train(profile, version)
    return profile


def trainer_of(certifier):
    """The certifier's person in charge of organising the evaluations, who trains the jurors
    (referential: "formés en amont par la responsable de l'organisation des épreuves")."""
    existing = (
        User.objects.filter(
            memberships__organisation=certifier, memberships__role=Role.EXAM_MANAGER
        )
        .order_by("pk")
        .first()
    )
    return existing or make_user(
        f"formatrice{certifier.pk}@exemple.fr",
        certifier,
        Role.EXAM_MANAGER,
        first_name="Nadia",
        last_name="Formatrice",
    )


def train(profile, version, *, on=TRAINED_ON, trainer=None):
    """A training given by the certifier's exam manager, with its attendance sheet."""
    return services.record_training(
        profile,
        version=version,
        trained_on=on,
        trainer=trainer or trainer_of(profile.certifier),
        attendance=factories.pdf_upload("emargement.pdf"),
    )


def at(on: date, hhmm: str) -> datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return datetime.combine(on, time(hours, minutes), tzinfo=timezone.get_current_timezone())


def session(version, *, on=None, title="Session B1", jurors=None, certifier=None):
    """A planned session with a lawful panel (a certifier representative and a professional)."""
    certifier = certifier or version.certification.owner
    on = on or timezone.localdate()
    planned = services.plan_session(
        certifier=certifier, version=version, title=title, on=on, place="OPS Conseil, Bron"
    )
    if jurors is None:
        jurors = [
            juror(certifier, version, represents=True, first_name="Anne", last_name="Rep"),
            juror(certifier, version, first_name="Paul", last_name="Pro"),
        ]
    for member in jurors:
        services.add_panel_member(planned, member)
    return planned


def slot(session, candidacy, code="E1", hhmm="09:00", minutes=60, **kw):
    assessment = session.version.assessments.get(code=code)
    return planning.add_slot(
        session,
        assessment=assessment,
        candidacy=candidacy,
        starts_at=at(session.date, hhmm),
        duration_minutes=minutes,
        **kw,
    )


def opened_session(version, candidacies=(), *, code="E1", on=None, jurors=None):
    """A session held today: panel confirmed, one slot per candidacy (hourly), opened."""
    held = session(version, on=on, jurors=jurors)
    slots = [
        slot(held, c, code=code, hhmm=f"{9 + i:02d}:00", minutes=45)
        for i, c in enumerate(candidacies)
    ]
    services.confirm_panel(held)
    planning.open_session(held, today=held.date)
    for item in slots:
        item.refresh_from_db()
    return held, slots


def started_candidacy(version, *, memoir_checked=False, **kw):
    """A candidacy in progress; `memoir_checked`: its memoir confirmed (the memoir oral may
    be scheduled)."""
    result = factories.candidacy(version, started=True, **kw)
    return factories.memoir_checked(result) if memoir_checked else result
