"""The consolidation pages (jury portal and staff) and the dossier's results, via the client."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from acquis.evaluations import consolidation as c
from acquis.evaluations.enums import SlotStatus
from acquis.evaluations.models import Consolidation
from tests import consolidation_factories as cf
from tests import evaluation_factories as ef
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
SECRET = "Commentaire confidentiel d'Anne"


@pytest.fixture
def manager_client(client, personas):
    client.login(email=personas["responsable_epreuves"].email, password=PASSWORD)
    return client


@pytest.fixture
def e1(ops_version):
    candidacy = ef.started_candidacy(ops_version, blocks=["B1"])
    (slot,) = cf.held_slots(ops_version, candidacy)
    anne, paul = cf.assessors(slot)
    return slot, anne, paul


def staff_url(slot):
    return reverse("staff:slot_consolidation", args=[slot.pk])


def jury_url(slot):
    return reverse("jury:slot_consolidation", args=[slot.pk])


def form_data(slot, **overrides) -> dict:
    """The form as the page prefills it: unanimous values, the rule for each competency."""
    data = {}
    for group in c.panel_view(slot).groups:
        for row in group.rows:
            choice = {True: "acquis", False: "non_acquis"}.get(row.proposed, "")
            data[f"critere-{row.criterion.pk}"] = choice
            data[f"commentaire-{row.criterion.pk}"] = ""
        if group.competency is not None:
            data[f"competence-{group.competency.pk}"] = "regle"
            data[f"motif-{group.competency.pk}"] = ""
        else:
            data["resultat"], data["motif-resultat"] = "regle", ""
    return data | overrides


def criterion_pk(slot, code):
    return slot.assessment.competencies.get().criteria.get(code=code).pk


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def test_before_every_grid_is_in_only_the_missing_jurors_show(manager_client, e1):
    slot, anne, paul = e1
    cf.submit(slot, anne, not_acquired=["C1.1.3"], comment=SECRET)
    response = manager_client.get(staff_url(slot))
    text = _text(response)
    assert response.status_code == 200
    assert (
        "1 grille(s) remise(s) sur 2. En attente de la grille de : <strong>Paul Pro</strong>"
        in (text)
    )
    assert SECRET not in text and "Décision du jury" not in text
    assert manager_client.post(staff_url(slot), {}).status_code == 200
    assert "grille non remise par Paul Pro." in _text(manager_client.post(staff_url(slot), {}))
    assert not Consolidation.objects.exists()


def test_the_divergence_is_shown_as_text_and_the_unanimous_value_prefilled(manager_client, e1):
    slot, anne, paul = e1
    cf.submit(slot, anne, not_acquired=["C1.1.3"], comment=SECRET)
    cf.submit(slot, paul)
    text = _text(manager_client.get(staff_url(slot)))
    assert SECRET in text
    divergent = re.search(r'<tr class="divergent">(.*?)</tr>', text).group(1)
    assert "C1.1.3" in divergent and "Divergence" in divergent
    assert text.count('<strong class="divergence-tag">Divergence</strong>') == 1
    assert 'value="acquis" checked' not in divergent and "checked" not in divergent
    pk = criterion_pk(slot, "C1.1.1")
    assert re.search(rf'name="critere-{pk}" value="acquis" checked', text)


def test_a_divergence_without_comment_is_refused_in_an_alert_keeping_the_input(manager_client, e1):
    slot, anne, paul = e1
    cf.submit(slot, anne, not_acquired=["C1.1.3"])
    cf.submit(slot, paul)
    pk = criterion_pk(slot, "C1.1.3")
    response = manager_client.post(
        staff_url(slot), form_data(slot, **{f"critere-{pk}": "non_acquis"})
    )
    text = _text(response)
    assert response.status_code == 200
    assert 'role="alert"' in text
    assert (
        f'<a href="#critere-{pk}">Critère C1.1.3 : les évaluateurs divergent ; motivez la '
        "décision du jury dans le commentaire.</a>"
    ) in text
    assert re.search(rf'name="critere-{pk}" value="non_acquis" checked', text)
    slot.refresh_from_db()
    assert slot.status == SlotStatus.SCHEDULED and not Consolidation.objects.exists()


def test_a_departure_without_reason_names_the_competency(manager_client, e1):
    slot, *_ = e1
    cf.submit_all(slot, not_acquired=["C1.1.6"])
    competency = slot.assessment.competencies.get()
    data = form_data(slot, **{f"competence-{competency.pk}": "acquise"})
    text = _text(manager_client.post(staff_url(slot), data))
    assert (
        f'<a href="#competence-{competency.pk}">Compétence C1.1 : la déclarer acquise s\'écarte '
        "de la règle (tous les critères acquis) ; indiquez le motif de l'écart.</a>"
    ) in text
    assert not Consolidation.objects.exists()


def test_record_with_a_reasoned_departure_then_read_only(manager_client, e1, personas):
    slot, anne, paul = e1
    cf.submit(slot, anne, not_acquired=["C1.1.3"])
    cf.submit(slot, paul)
    competency = slot.assessment.competencies.get()
    pk = criterion_pk(slot, "C1.1.3")
    reason = "Présentation confuse au début, maîtrisée ensuite : compétence démontrée."
    data = form_data(
        slot,
        **{
            f"critere-{pk}": "non_acquis",
            f"commentaire-{pk}": "Début confus, le jury retient non acquis.",
            f"competence-{competency.pk}": "acquise",
            f"motif-{competency.pk}": reason,
        },
    )
    response = manager_client.post(staff_url(slot), data)
    assert response.status_code == 302 and response.url == staff_url(slot)
    slot.refresh_from_db()
    assert slot.status == SlotStatus.CONSOLIDATED
    result = slot.consolidation.competency_results.get()
    assert (result.acquired, result.by_rule, result.reason) == (True, False, reason)
    text = _text(manager_client.get(staff_url(slot)))
    assert "Résultat consolidé enregistré." in text
    assert f"par {personas['responsable_epreuves']}" in text
    assert "écart à la règle (la règle donnait : non acquise). Motif : " + reason in text
    assert "conforme au journal d'audit" in text
    for grid in slot.grids.all():
        assert grid.content_hash in text
    assert text.count("✓ intègre") == 2
    assert 'type="radio"' not in text
    # A second submission is refused; nothing changes.
    text = _text(manager_client.post(staff_url(slot), data))
    assert "déjà un résultat consolidé" in text and 'role="alert"' in text
    assert Consolidation.objects.count() == 1


def test_an_assessor_consolidates_from_the_jury_portal(client, e1):
    slot, anne, paul = e1
    cf.submit_all(slot)
    client.login(email=paul.user.email, password=PASSWORD)
    response = client.get(jury_url(slot))
    assert response.status_code == 200 and "Enregistrer le résultat consolidé" in _text(response)
    assert "Gestion des" not in _text(response)  # no staff navigation on the jury page
    response = client.post(jury_url(slot), form_data(slot))
    assert response.status_code == 302
    consolidation = Consolidation.objects.get(slot=slot)
    assert consolidation.recorded_by == paul.user
    assert consolidation.competency_results.get().acquired is True


def test_a_juror_who_does_not_assess_the_slot_gets_404(client, e1, ops_version):
    slot, *_ = e1
    outsider = ef.juror(ops_version.certification.owner, ops_version)
    client.login(email=outsider.user.email, password=PASSWORD)
    assert client.get(jury_url(slot)).status_code == 404
    assert client.post(jury_url(slot), form_data(slot)).status_code == 404


def test_another_certifiers_staff_gets_404_even_on_post(client, personas, e1):
    slot, *_ = e1
    cf.submit_all(slot)
    client.login(email=personas["admin_autre_certificateur"].email, password=PASSWORD)
    assert client.post(staff_url(slot), form_data(slot)).status_code == 404
    assert not Consolidation.objects.exists()


def test_a_memoir_oral_outcome_with_a_departure(manager_client, ops_version):
    candidacy = ef.started_candidacy(ops_version, memoir_checked=True)
    (slot,) = cf.held_slots(ops_version, candidacy, codes=("E12",))
    cf.submit_all(slot, not_acquired=["E12.5"])
    text = _text(manager_client.get(staff_url(slot)))
    assert "Résultat de l'épreuve E12" in text and "Compétence" not in text
    data = form_data(slot, resultat="reussie")
    text = _text(manager_client.post(staff_url(slot), data))
    assert '<a href="#resultat">Résultat de l\'épreuve E12 : la déclarer réussie' in text
    data["motif-resultat"] = "L'outil est présenté à l'oral et jugé probant."
    assert manager_client.post(staff_url(slot), data).status_code == 302
    text = _text(manager_client.get(staff_url(slot)))
    assert "Épreuve E12 : <strong>réussie</strong> — écart à la règle" in text
    dossier = _text(manager_client.get(reverse("staff:candidacy", args=[candidacy.pk])))
    assert "E12</a> — Soutenance orale du mémoire" in dossier
    assert "Oui : L'outil est présenté à l'oral et jugé probant." in dossier


def test_the_dossier_shows_results_and_block_proposals_in_constant_queries(
    manager_client, ops_version, django_assert_num_queries
):
    candidacy = ef.started_candidacy(ops_version, blocks=["B1", "B2"])
    url = reverse("staff:candidacy", args=[candidacy.pk])
    manager_client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as before:
        text = _text(manager_client.get(url))
    assert "Résultats des épreuves" in text
    assert text.count("<strong>incomplet</strong>") == 2
    assert "Aucune épreuve finale consolidée." in text
    e1, e2 = cf.held_slots(ops_version, candidacy, codes=("E1", "E2"))
    cf.consolidate_all(e1)
    cf.consolidate_all(e2, not_acquired=["C1.4.1"])
    with django_assert_num_queries(len(before.captured_queries)):
        text = _text(manager_client.get(url))
    b1 = text[text.index('id="resultats-b1"') : text.index('id="resultats-b2"')]
    assert "<strong>non acquis</strong>" in b1 and "Non acquise" in b1
    assert b1.count("Acquise") == 4
    b2 = text[text.index('id="resultats-b2"') :]
    assert "<strong>incomplet</strong> (sans résultat : C2.1, C2.2" in b2
