"""The deliberation pages: staff preparation (jury, candidates, opening), the deliberation
screen the jury members also see, decisions and their refusals, and a constant number
of queries whatever the number of candidates."""

import html
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from acquis.candidates import services as candidate_services
from acquis.candidates.enums import CandidacyStatus
from acquis.juries import deliberations
from acquis.juries.engine import add_years
from acquis.juries.enums import DecisionKind, DeliberationStatus, JuryRole
from acquis.juries.models import Decision, Deliberation
from acquis.organisations.enums import Role
from tests import factories
from tests.conftest import PASSWORD, make_user
from tests.juries import factories as jf

pytestmark = pytest.mark.django_db

CONFIRMED = {"confirmation": "oui"}  # the confirmation step of irreversible actions


@pytest.fixture
def manager(certifier):
    return make_user("rp@test.fr", certifier, Role.EXAM_MANAGER)


@pytest.fixture
def staff_client(client, manager):
    client.login(email=manager.email, password=PASSWORD)
    return client


def awaiting(version, **kw):
    candidacy = factories.candidacy(version, started=True, **kw)
    candidate_services.move_candidacy(
        candidacy, CandidacyStatus.AWAITING_JURY, override_reason=jf.DEROGATION
    )
    return candidacy


def text(response) -> str:
    """The visible text of the page, tags removed, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def action(deliberation, name):
    return reverse("staff:deliberation_action", args=[deliberation.pk, name])


# --- list and preparation -------------------------------------------------------------------


def test_prepare_from_the_list(staff_client, ops_version):
    page = staff_client.get(reverse("staff:deliberations"))
    assert "Aucune délibération n'est encore préparée." in text(page)
    response = staff_client.post(
        reverse("staff:deliberations"),
        {
            "title": "Jury de juin",
            "kind": "certification",
            "on": "2026-06-15",
            "place": "Bron",
            "version": ops_version.pk,
        },
    )
    deliberation = Deliberation.objects.get()
    assert response.url == reverse("staff:deliberation", args=[deliberation.pk])
    assert (deliberation.date, deliberation.status) == (date(2026, 6, 15), "prepared")
    assert "Jury de juin" in text(staff_client.get(reverse("staff:deliberations")))


def test_prepare_refused_shows_the_fields(staff_client, ops_version):
    response = staff_client.post(
        reverse("staff:deliberations"), {"title": "", "kind": "certification"}
    )
    assert response.status_code == 200
    assert "Le formulaire contient des erreurs" in text(response)
    assert not Deliberation.objects.exists()


def test_compose_jury_with_live_rule_checks(staff_client, ops_version, certifier):
    deliberation = deliberations.prepare(
        certifier,
        ops_version,
        kind="certification",
        title="J",
        on=date(2026, 6, 1),
        place="Bron",
        actor=None,
    )
    page = text(staff_client.get(reverse("staff:deliberation", args=[deliberation.pk])))
    assert "Représentant salariés : aucun membre." in page
    (employer, role, _, org), employee, trainer = jf.jury_users(certifier)
    response = staff_client.post(
        action(deliberation, "membre"),
        {"user": employer.pk, "role": role, "organisation": org},  # "external" left unticked
    )
    assert response.status_code == 302
    page = text(staff_client.get(response.url))
    assert f"{employer} (représentant employeurs) doit être extérieur au certificateur." in page
    member = deliberation.members.get()
    deliberations.remove_member(member, actor=None)
    for user, seat, external, structure in [(employer, role, True, org), employee, trainer]:
        data = {"user": user.pk, "role": seat, "organisation": structure}
        staff_client.post(
            action(deliberation, "membre"), data | ({"external": "on"} if external else {})
        )
    page = text(staff_client.get(reverse("staff:deliberation", args=[deliberation.pk])))
    assert "Le jury respecte la composition du référentiel" in page


def test_non_juror_cannot_be_chosen(staff_client, ops_version, manager):
    deliberation = jf.deliberation(ops_version, opened=False)
    response = staff_client.post(
        action(deliberation, "membre"),
        {"user": manager.pk, "role": JuryRole.CERTIFIER_TRAINER},
    )
    assert "Sélectionnez un choix valide" in text(response)
    assert deliberation.members.count() == 3


def test_presence_and_refused_opening(staff_client, ops_version):
    deliberation = jf.deliberation(ops_version, opened=False)
    member = deliberation.members.get(role=JuryRole.EMPLOYEE_REPRESENTATIVE)
    staff_client.post(action(deliberation, "presence"), {"member": member.pk, "present": "0"})
    response = staff_client.post(action(deliberation, "ouvrir"))
    page = text(response)
    assert 'role="alert"' in response.content.decode()
    assert "Délibération non ouverte : La délibération ne peut pas s'ouvrir." in page
    assert f"Quorum : {member.user} est absent(e)." in page
    assert "Candidats : la liste est vide." in page
    assert Deliberation.objects.get(pk=deliberation.pk).status == "prepared"


def test_add_a_cohort_an_individual_then_remove_and_open(staff_client, ops_version, certifier):
    cohort = candidate_services.create_cohort(certifier=certifier, version=ops_version, name="P1")
    first, second = awaiting(ops_version, cohort=cohort), awaiting(ops_version, cohort=cohort)
    alone = awaiting(ops_version)
    deliberation = jf.deliberation(ops_version, opened=False)
    staff_client.post(action(deliberation, "promotion"), {"cohort": cohort.pk})
    staff_client.post(action(deliberation, "candidat"), {"candidacy": alone.pk})
    listed = set(deliberation.entries.values_list("candidacy_id", flat=True))
    assert listed == {first.pk, second.pk, alone.pk}
    staff_client.post(action(deliberation, "retirer-candidat"), {"candidacy": second.pk})
    assert deliberation.entries.count() == 2
    response = staff_client.post(action(deliberation, "ouvrir"))
    assert response.status_code == 302
    assert Deliberation.objects.get(pk=deliberation.pk).status == DeliberationStatus.OPEN


def test_a_candidate_already_listed_elsewhere_is_not_offered(staff_client, ops_version):
    candidacy = awaiting(ops_version)
    jf.deliberation(ops_version, [candidacy], opened=False, title="Jury de mai")
    other = jf.deliberation(ops_version, opened=False, title="Jury de juin")
    response = staff_client.post(action(other, "candidat"), {"candidacy": candidacy.pk})
    assert "Candidature introuvable ou pas en attente de ce jury" in text(response)
    assert not other.entries.exists()


def test_unknown_action_and_other_certifier(client, ops_version, personas):
    deliberation = jf.deliberation(ops_version, opened=False)
    client.login(email=personas["administrateur"].email, password=PASSWORD)
    assert client.post(action(deliberation, "inconnue")).status_code == 404
    client.login(email=personas["admin_autre_certificateur"].email, password=PASSWORD)
    assert client.post(action(deliberation, "ouvrir")).status_code == 404
    assert Deliberation.objects.get(pk=deliberation.pk).status == "prepared"


# --- the deliberation screen and decisions --------------------------------------------------


@pytest.fixture
def opened(ops_version):
    full = jf.ready_candidacy(ops_version)
    partial = jf.ready_candidacy(ops_version, not_acquired=["C3.2.1"])
    return jf.deliberation(ops_version, [full, partial]), full, partial


def test_screen_shows_evidence_proposal_and_form(staff_client, opened):
    deliberation, full, partial = opened
    response = staff_client.get(reverse("staff:deliberation", args=[deliberation.pk]))
    page = text(response)
    assert "Synthèse : proposition et décision par candidat" in page
    assert "29 jour(s) sur 29 exigés (atteint)" in page
    assert "Oral du mémoire Réussi (E12" in page
    assert (
        "Proposition : Validation partielle (demandes de nouvelle validation possibles jusqu'au"
        in page
    )
    anchor = f'id="candidat-{deliberation.entries.get(candidacy=partial).pk}"'
    assert anchor in response.content.decode()
    assert f"Enregistrer la décision de {full.candidate.full_name}" in page


def test_staff_records_a_decision(staff_client, opened, manager):
    deliberation, full, _ = opened
    url = reverse("staff:deliberation_decide", args=[deliberation.pk, full.pk])
    response = staff_client.post(url, {"kind": "total", "blocks": ["B1", "B2", "B3", "B4"]})
    entry = deliberation.entries.get(candidacy=full)
    assert response.url.endswith(f"#candidat-{entry.pk}")
    decision = Decision.objects.get(candidacy=full)
    assert (decision.kind, decision.decided_by) == (DecisionKind.TOTAL, manager)
    page = text(staff_client.get(reverse("staff:deliberation", args=[deliberation.pk])))
    assert "Décision enregistrée : Validation totale" in page


def test_refused_decision_is_shown_next_to_the_candidate(staff_client, opened):
    deliberation, _, partial = opened
    url = reverse("staff:deliberation_decide", args=[deliberation.pk, partial.pk])
    response = staff_client.post(url, {"kind": "partial", "blocks": ["B1", "B2", "B4"]})
    page = text(response)
    assert response.status_code == 200
    assert f"Décision de {partial.candidate.full_name} non enregistrée" in page
    assert "Motif : obligatoire pour une validation partielle." in page
    assert "Compléments demandés : indiquez ce que le candidat doit encore démontrer." in page
    assert not Decision.objects.exists()
    missing_kind = staff_client.post(url, {"blocks": ["B1"]})
    assert "Décision : choisissez la décision du jury." in text(missing_kind)


def test_jury_member_decides_and_others_cannot(client, opened, ops_version, certifier):
    deliberation, _, partial = opened
    member = deliberation.members.first().user
    client.login(email=member.email, password=PASSWORD)
    page = text(client.get(reverse("jury:deliberation", args=[deliberation.pk])))
    assert f"Enregistrer la décision de {partial.candidate.full_name}" in page
    response = client.post(
        reverse("jury:deliberation_decide", args=[deliberation.pk, partial.pk]),
        {
            "kind": "partial",
            "blocks": ["B1", "B2", "B4"],
            "reason": "B3 non acquis.",
            "further_evidence": "Repasser l'épreuve du bloc 3.",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get(candidacy=partial)
    assert (decision.kind, decision.decided_by) == ("partial", member)
    assert decision.deadline == add_years(deliberation.date, 5)
    # A juror of the certifier who does not sit on this jury: 404.
    outsider = make_user("autre-jure@test.fr", certifier, Role.JUROR)
    other = jf.deliberation(ops_version, opened=False, title="Autre jury")
    deliberations.add_member(
        other, outsider, role=JuryRole.CERTIFIER_TRAINER, external=False, actor=None
    )
    client.login(email=outsider.email, password=PASSWORD)
    assert client.get(reverse("jury:deliberation", args=[deliberation.pk])).status_code == 404
    url = reverse("jury:deliberation_decide", args=[deliberation.pk, partial.pk])
    assert client.post(url, {"kind": "refused"}).status_code == 404
    assert client.get(reverse("jury:deliberation", args=[other.pk])).status_code == 200


def test_jury_page_is_read_only_before_opening(client, ops_version):
    deliberation = jf.deliberation(ops_version, [awaiting(ops_version)], opened=False)
    member = deliberation.members.first().user
    client.login(email=member.email, password=PASSWORD)
    page = text(client.get(reverse("jury:deliberation", args=[deliberation.pk])))
    assert "La délibération n'est pas encore ouverte" in page
    assert "Enregistrer la décision" not in page
    list_page = text(client.get(reverse("jury:deliberations")))
    assert deliberation.title in list_page


def test_close_leads_to_the_minutes(staff_client, opened):
    pytest.importorskip("acquis.juries.minutes")
    deliberation, full, partial = opened
    jf.decide_as_proposed(deliberation, full)
    response = staff_client.post(action(deliberation, "clore"))
    assert "Clore la délibération ?" in text(response)  # the confirmation step first
    assert Deliberation.objects.get(pk=deliberation.pk).status != DeliberationStatus.SIGNING
    response = staff_client.post(action(deliberation, "clore"), CONFIRMED)
    assert response.status_code == 200  # refused: one candidate without a decision
    assert f"{partial.candidate.full_name} : aucune décision enregistrée." in text(response)
    jf.decide_as_proposed(deliberation, partial)
    response = staff_client.post(action(deliberation, "clore"), CONFIRMED)
    assert response.url == reverse("staff:minutes", args=[deliberation.pk])
    assert Deliberation.objects.get(pk=deliberation.pk).status == DeliberationStatus.SIGNING
    page = text(staff_client.get(reverse("staff:deliberation", args=[deliberation.pk])))
    assert "Enregistrer la décision" not in page
    assert "Procès-verbal de la délibération" in page


def test_a_member_standing_aside_for_a_candidate_is_shown_and_recorded_in_the_pv(
    staff_client, opened
):
    from acquis.evaluations.enums import ConflictKind
    from acquis.evaluations.models import JurorProfile
    from acquis.evaluations.services import declare_conflict

    deliberation, full, partial = opened
    employer = deliberation.members.get(role=JuryRole.EMPLOYER_REPRESENTATIVE).user
    name = employer.get_full_name()
    declare_conflict(
        JurorProfile.objects.get(user=employer),
        candidate=full.candidate,
        kind=ConflictKind.RELATIVE,
    )
    url = reverse("staff:deliberation", args=[deliberation.pk])
    page = text(staff_client.get(url))
    assert "2 candidat(s), 0 décision(s) enregistrée(s), 1 en attente d'un autre jury." in page
    assert f"Ne siège pas pour ce candidat : {name} (représentant employeurs)." in page
    assert f"{name} a déclaré un lien avec ce candidat : proche ou parent du candidat." in page
    assert "le candidat attend un jury où siège un suppléant (représentant employeurs)" in page
    assert "Ce jury ne peut pas statuer (voir la fiche)" in page
    assert f"Enregistrer la décision de {full.candidate.full_name}" not in page
    assert f"Enregistrer la décision de {partial.candidate.full_name}" in page
    # Posted anyway (an old form): refused with the reason, nothing written.
    decide = reverse("staff:deliberation_decide", args=[deliberation.pk, full.pk])
    response = staff_client.post(decide, {"kind": "total", "blocks": ["B1", "B2", "B3", "B4"]})
    assert f"Décision impossible pour {full.candidate.full_name}" in text(response)
    assert not Decision.objects.filter(candidacy=full).exists()
    # The others are decided; closing records in the PV who stood aside, for whom and why.
    jf.decide_as_proposed(deliberation, partial)
    response = staff_client.post(action(deliberation, "clore"), CONFIRMED)
    assert response.url == reverse("staff:minutes", args=[deliberation.pk])
    pv = text(staff_client.get(response.url))
    assert "Candidats sur lesquels ce jury n'a pas statué" in pv
    assert f"{full.candidate.full_name} — né(e) le" in pv
    assert f"{name} (représentant employeurs) ne siège pas pour ce candidat : {name} a" in pv


def test_the_screen_labels_the_certifiers_own_rules(staff_client, opened):
    deliberation, _, _ = opened
    page = text(staff_client.get(reverse("staff:deliberation", args=[deliberation.pk])))
    assert "Résultat proposé règle de l'organisme" in page
    assert (
        "Règle de l'organisme Compétence acquise : Une compétence est acquise lorsque tous ses "
        "critères d'évaluation sont acquis." in page
    )
    assert (
        "Règle de l'organisme Bloc acquis : Un bloc de compétences est acquis lorsque toutes "
        "ses compétences sont acquises." in page
    )
    # The source's own words for the decisions, apart.
    assert "Décisions possibles, selon le référentiel" in page
    assert "le jury accorde au candidat une partie de la certification professionnelle" in page


def test_the_preparation_warns_of_a_member_who_will_stand_aside(staff_client, ops_version):
    from acquis.evaluations.models import JurorProfile
    from acquis.evaluations.services import declare_conflict

    candidacy = awaiting(ops_version)
    deliberation = jf.deliberation(ops_version, [candidacy], opened=False)
    member = deliberation.members.get(role=JuryRole.EMPLOYEE_REPRESENTATIVE).user
    declare_conflict(
        JurorProfile.objects.get(user=member), candidate=candidacy.candidate, kind="colleague"
    )
    page = text(staff_client.get(reverse("staff:deliberation", args=[deliberation.pk])))
    assert (
        f"Ne siégera pas pour ce candidat : {member.get_full_name()} (représentant salariés)."
        in page
    )


def test_suspend_returns_to_preparation(staff_client, opened):
    deliberation, _, _ = opened
    staff_client.post(action(deliberation, "suspendre"), {"reason": "Un membre doit partir."})
    assert Deliberation.objects.get(pk=deliberation.pk).status == DeliberationStatus.PREPARED


# --- a constant number of queries -----------------------------------------------------------


def _listed(version, count):
    """`count` candidates of every kind of file: full title, partial, blocks only, free."""
    kinds = [
        {},
        {"not_acquired": ["C3.2.1"]},
        {"blocks": ["B1"]},
        {"free": True, "memoir_oral": False},
    ]
    return [jf.ready_candidacy(version, **kinds[i % len(kinds)]) for i in range(count)]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_deliberation_page_query_count_is_constant(client, ops_version, manager):
    small = jf.deliberation(ops_version, _listed(ops_version, 2), title="Petit jury")
    large = jf.deliberation(ops_version, _listed(ops_version, 12), title="Grand jury")
    for deliberation in (small, large):
        first = deliberation.entries.order_by("position").first().candidacy
        jf.decide_as_proposed(deliberation, first)
    client.login(email=manager.email, password=PASSWORD)
    staff = [_queries(client, reverse("staff:deliberation", args=[d.pk])) for d in (small, large)]
    assert staff[0] == staff[1], staff
    member = small.members.first().user
    client.login(email=member.email, password=PASSWORD)
    small_jury = _queries(client, reverse("jury:deliberation", args=[small.pk]))
    client.login(email=large.members.first().user.email, password=PASSWORD)
    large_jury = _queries(client, reverse("jury:deliberation", args=[large.pk]))
    assert small_jury == large_jury
