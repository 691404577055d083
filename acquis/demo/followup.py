"""Demo of the insertion surveys (docs/followup.md): a closed 6-month campaign with answers
(already pseudonymised, its retention having passed) and an open one.

The surveyed people are earlier holders, decided before the demo's 2025 cohort, through the
same verbs as the other holders (juries.py): registered, evaluated on every sitting of the
title by a trained panel, listed on a certification jury (a VAE jury for the VAE holder)
held on a past date, decided as the evidence proposes, the PV signed by its members. Every
step of the surveys goes through their verbs, with the clock of the moment each step
happened (`now=`).
"""

from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from acquis.candidates import services as dossiers
from acquis.demo.common import pdf
from acquis.demo.juries import evaluated, hold, person, prepare_jury, sign_minutes
from acquis.evaluations import services as evaluations
from acquis.evaluations.models import JurorProfile
from acquis.exports.accrochage import add_months
from acquis.followup import services, tokens
from acquis.followup.models import Campaign
from acquis.juries import decisions, evidence
from acquis.juries.enums import JuryKind, JuryRole

# (birth name, first name, sex, born, pathway, answer)
CLOSED = [
    ("Lefèvre", "Nadia", "F", date(1987, 3, 2), "training", ("employed", "permanent", True)),
    ("Girard", "Yanis", "M", date(1993, 7, 15), "training", ("employed", "fixed_term", True)),
    ("Perrin", "Léa", "F", date(1990, 1, 28), "training", ("employed", "permanent", False)),
    ("Morel", "Bastien", "M", date(1985, 9, 9), "vae", ("employed", "permanent", True)),
    ("Fabre", "Manon", "F", date(1996, 4, 4), "training", ("job_seeker", "", False)),
    ("Roche", "Élodie", "F", date(1982, 12, 1), "training", None),
]
OPEN = [
    ("Barbier", "Romain", "M", date(1989, 6, 6), "training", ("employed", "permanent", True)),
    ("Aubert", "Claire", "F", date(1994, 11, 19), "training", None),
]
# The juries of the past: the same members as the 2025 jury (juries.py).
EMPLOYER = ("helene.dumas@entreprises-rhone.demo", "Union des entreprises du Rhône")
EMPLOYEE = ("rachid.amrani@salaries-insertion.demo", "Collectif des salariés de l'insertion")
TRAINER = "representante@ops-conseil.demo"
ASSESSOR = "jure@ops-conseil.demo"


def build(certifier, version, manager, *, today: date) -> None:
    if Campaign.objects.filter(certifier=certifier).exists():
        return
    jury = _jury_people(certifier, version, manager, trained_on=today - timedelta(days=900))
    _closed_campaign(certifier, version, manager, today, jury)
    _open_campaign(certifier, version, manager, today, jury)


def _jury_people(certifier, version, manager, *, trained_on) -> dict:
    """The panels and juries of the past: their members' earlier training to the referential
    (a sitting counts only with a training before it), recorded like any other."""
    profiles = {
        p.user.email: p
        for p in JurorProfile.objects.filter(
            certifier=certifier, user__email__in=[ASSESSOR, TRAINER, EMPLOYER[0], EMPLOYEE[0]]
        ).select_related("user")
    }
    for profile in profiles.values():
        evaluations.record_training(
            profile,
            version=version,
            trained_on=trained_on,
            trainer=manager,
            attendance=pdf("feuille-emargement.pdf"),
            actor=manager,
        )
    seats = [
        (profiles[EMPLOYER[0]].user, JuryRole.EMPLOYER_REPRESENTATIVE, True, EMPLOYER[1]),
        (profiles[EMPLOYEE[0]].user, JuryRole.EMPLOYEE_REPRESENTATIVE, True, EMPLOYEE[1]),
        (profiles[TRAINER].user, JuryRole.CERTIFIER_TRAINER, False, ""),
    ]
    return {
        "panel": (profiles[ASSESSOR], profiles[TRAINER]),
        "oral": [profiles[EMPLOYER[0]], profiles[EMPLOYEE[0]], profiles[TRAINER]],
        "seats": seats,
    }


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=UTC)


def _history(certifier, version, manager, jury, *, on: date, people, title: str) -> list:
    """Holders decided by the juries held on `on`: evaluated in the months before, the
    training ones by a certification jury, the VAE one (after the oral) by a VAE jury."""
    cohort = dossiers.create_cohort(
        certifier=certifier,
        version=version,
        name=f"Promotion Lyon — jury du {on:%d/%m/%Y}",
        starts_on=on - timedelta(days=330),
        ends_on=on - timedelta(days=20),
        memoir_deadline=on - timedelta(days=80),
        actor=manager,
    )
    registered_on = on - timedelta(days=300)
    by_kind = {JuryKind.CERTIFICATION: [], JuryKind.VAE: []}
    answers = {}
    for index, (birth_name, first, sex, born, pathway, answer) in enumerate(people):
        candidate = person(certifier, manager, birth_name, first, sex, born, "69123")
        sitting_on = on - timedelta(days=60 - 4 * index)
        if pathway == "vae":
            candidacy = _vae_ready(candidate, version, manager, jury, sitting_on, registered_on)
            by_kind[JuryKind.VAE].append(candidacy)
        else:
            candidacy = evaluated(
                "total",
                candidate,
                version,
                cohort,
                manager,
                panel=jury["panel"],
                on=sitting_on,
                registered_on=registered_on,
            )
            by_kind[JuryKind.CERTIFICATION].append(candidacy)
        answers[candidacy.pk] = answer
    rows = []
    for kind, candidacies in by_kind.items():
        if candidacies:
            label = title if kind == JuryKind.CERTIFICATION else f"Jury VAE — {on:%m/%Y}"
            for decision in _decided(
                certifier, version, manager, jury, kind, label, on, candidacies
            ):
                rows.append((decision, answers[decision.candidacy_id]))
    return rows


def _vae_ready(candidate, version, manager, jury, on, registered_on):
    """Admissible, validation file complete, the oral held before the VAE jury's members."""
    candidacy = dossiers.register_candidacy(
        candidate=candidate,
        version=version,
        pathway="vae",
        access_mode="VAE",
        vae_route="VAE_CLASSIQUE",
        registered_on=registered_on,
        actor=manager,
    )
    request = dossiers.request_admissibility(
        candidacy, upload=pdf("recevabilite.pdf"), actor=manager
    )
    dossiers.decide_admissibility(request, decision="admissible", actor=manager)
    vfile = dossiers.submit_validation_file(
        candidacy, upload=pdf("dossier-validation.pdf"), actor=manager
    )
    dossiers.decide_validation_file(vfile, decision="complete", actor=manager)
    hold(candidacy, version, manager, codes=["E13"], panel=jury["oral"], on=on)
    candidacy.refresh_from_db()
    return candidacy


def _decided(certifier, version, manager, jury, kind, title, on, candidacies) -> list:
    """The jury held on `on` decides each as the evidence proposes; its members sign."""
    deliberation = prepare_jury(
        certifier,
        version,
        manager,
        kind=kind,
        title=title,
        on=on,
        seats=jury["seats"],
        candidacies=candidacies,
    )
    chair = jury["seats"][0][0]
    made = []
    for candidacy in candidacies:
        proposal = evidence.gather_one(deliberation, candidacy).proposal
        made.append(
            decisions.decide(
                deliberation,
                candidacy,
                blocks=dict(proposal.blocks),
                kind=proposal.kind,
                actor=chair,
            )
        )
    sign_minutes(deliberation, manager, [seat[0] for seat in jury["seats"]])
    return made


def _answer(invitation, answer, now) -> None:
    situation, contract, targeted = answer
    data = {"situation": situation, "helped": "a_lot" if targeted else "somewhat"}
    if situation == "employed":
        data |= {
            "job_title": "Conseiller en insertion professionnelle" if targeted else "Vendeur",
            "targeted_job": "conseiller emploi" if targeted else "",
            "contract_type": contract,
            "working_time": "full",
            "sector": "insertion" if targeted else "other",
        }
    services.submit_answer(tokens.make_token(invitation), data, now=now)


def _survey(campaign, rows, opened_at, manager) -> None:
    services.open_campaign(campaign, actor=manager, now=opened_at)
    services.send_invitations(campaign, now=opened_at)
    invitations = {i.decision_id: i for i in campaign.invitations.all()}
    for index, (decision, answer) in enumerate(rows):
        if answer is not None:
            _answer(invitations[decision.pk], answer, opened_at + timedelta(days=2 + index))


def _closed_campaign(certifier, version, manager, today, jury) -> None:
    on = today - timedelta(days=420)
    rows = _history(
        certifier,
        version,
        manager,
        jury,
        on=on,
        people=CLOSED,
        title=f"Jury de certification — {on:%m/%Y}",
    )
    opened_on = add_months(on, 6) + timedelta(days=3)
    campaign = services.create_campaign(
        certifier=certifier,
        certification=version.certification,
        title=f"Insertion à 6 mois — décisions du {on:%d/%m/%Y}",
        decided_from=on,
        decided_to=on,
        closes_on=opened_on + timedelta(days=45),
        actor=manager,
        now=_at(opened_on),
    )
    _survey(campaign, rows, _at(opened_on), manager)
    closed_at = _at(campaign.closes_on + timedelta(days=1))
    services.close_campaign(campaign, actor=None, now=closed_at)
    if timezone.now() - closed_at > timedelta(
        days=settings.ACQUIS_RETENTION["survey_answers_link"]
    ):
        services.pseudonymise_campaign(campaign, actor=None, now=closed_at + timedelta(days=90))


def _open_campaign(certifier, version, manager, today, jury) -> None:
    on = today - timedelta(days=200)
    rows = _history(
        certifier,
        version,
        manager,
        jury,
        on=on,
        people=OPEN,
        title="Jury de certification — session d'hiver",
    )
    campaign = services.create_campaign(
        certifier=certifier,
        certification=version.certification,
        title=f"Insertion à 6 mois — décisions du {on:%d/%m/%Y}",
        decided_from=on,
        decided_to=on,
        closes_on=today + timedelta(days=60),
        actor=manager,
        now=_at(today),
    )
    _survey(campaign, rows, _at(today), manager)
