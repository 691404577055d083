"""Demo of the insertion surveys (docs/followup.md): a closed 6-month campaign with answers
(already pseudonymised, its retention having passed) and an open one.

The surveyed people are earlier holders, decided before the demo's 2025 cohort: a signed
deliberation of the past is written as its history (frozen decisions, one validated row per
block) rather than replayed through every sitting, which would cost the demo seconds per
person for nothing the surveys read. Everything the surveys do goes through their verbs,
with the clock of the moment each step happened (`now=`).
"""

from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from acquis.candidates import services as dossiers
from acquis.candidates.enums import AccessMode, CandidacyStatus, Pathway, VaeRoute
from acquis.candidates.models import Candidacy
from acquis.exports.accrochage import add_months
from acquis.followup import services, tokens
from acquis.followup.models import Campaign
from acquis.juries.enums import DecisionKind, DeliberationStatus, JuryKind
from acquis.juries.models import BlockDecision, Decision, Deliberation

# (birth name, first name, sex, born, pathway, answer)
CLOSED = [
    ("Lefèvre", "Nadia", "F", date(1987, 3, 2), Pathway.TRAINING, ("employed", "permanent", True)),
    ("Girard", "Yanis", "M", date(1993, 7, 15), Pathway.TRAINING, ("employed", "fixed_term", True)),
    ("Perrin", "Léa", "F", date(1990, 1, 28), Pathway.TRAINING, ("employed", "permanent", False)),
    ("Morel", "Bastien", "M", date(1985, 9, 9), Pathway.VAE, ("employed", "permanent", True)),
    ("Fabre", "Manon", "F", date(1996, 4, 4), Pathway.TRAINING, ("job_seeker", "", False)),
    ("Roche", "Élodie", "F", date(1982, 12, 1), Pathway.TRAINING, None),
]
OPEN = [
    ("Barbier", "Romain", "M", date(1989, 6, 6), Pathway.TRAINING, ("employed", "permanent", True)),
    ("Aubert", "Claire", "F", date(1994, 11, 19), Pathway.TRAINING, None),
]


def build(certifier, version, manager, *, today: date) -> None:
    if Campaign.objects.filter(certifier=certifier).exists():
        return
    _closed_campaign(certifier, version, manager, today)
    _open_campaign(certifier, version, manager, today)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=UTC)


def _history(certifier, version, manager, *, on: date, people, title: str) -> list:
    deliberation = Deliberation.objects.create(
        certifier=certifier,
        version=version,
        kind=JuryKind.CERTIFICATION,
        title=title,
        date=on,
        place="Bron",
        status=DeliberationStatus.SIGNED,
    )
    blocks = list(version.blocks.order_by("position"))
    rows = []
    for birth_name, first, sex, born, pathway, answer in people:
        candidate = dossiers.create_candidate(
            certifier=certifier,
            data={
                "birth_name": birth_name,
                "first_name": first,
                "sex": sex,
                "birth_date": born,
                "birth_insee_code": "69123",
                "email": f"{first.lower()}.{birth_name.lower()}@exemple.fr",
            },
            actor=manager,
        )
        vae = pathway == Pathway.VAE
        candidacy = dossiers.register_candidacy(
            candidate=candidate,
            version=version,
            pathway=pathway,
            access_mode=AccessMode.VAE if vae else AccessMode.CONTINUING,
            vae_route=VaeRoute.CLASSIC if vae else "",
            registered_on=on - timedelta(days=300),
            actor=manager,
        )
        Candidacy.objects.filter(pk=candidacy.pk).update(status=CandidacyStatus.DECIDED)
        decision = Decision.objects.create(
            deliberation=deliberation,
            candidacy=candidacy,
            kind=DecisionKind.TOTAL,
            proposed_kind=DecisionKind.TOTAL,
            title_awarded=True,
            decided_by=manager,
            decided_at=_at(on),
            frozen=True,
        )
        BlockDecision.objects.bulk_create(
            BlockDecision(decision=decision, block=block, validated=True, proposed=True)
            for block in blocks
        )
        rows.append((decision, answer))
    return rows


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


def _closed_campaign(certifier, version, manager, today) -> None:
    on = today - timedelta(days=420)
    rows = _history(
        certifier, version, manager, on=on, people=CLOSED, title="Jury de certification — 2024"
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


def _open_campaign(certifier, version, manager, today) -> None:
    on = today - timedelta(days=200)
    rows = _history(
        certifier,
        version,
        manager,
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
