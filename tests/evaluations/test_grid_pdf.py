"""Printable grids (PDF on demand, not signed): a juror's submitted grid criterion by
criterion with its SHA-256, and the consolidated result of a slot with divergences,
competency results and departures. Read back with poppler (an independent reader)."""

import pytest

from acquis.credentials import grids_pdf
from acquis.credentials.documents import DocumentError
from acquis.evaluations import consolidation as c
from acquis.evaluations import grids
from acquis.evaluations.models import ConsolidatedMark, GridMark
from tests import consolidation_factories as cf
from tests import evaluation_factories as ef
from tests.credentials.test_documents import text_of
from tests.pdf_readers import assert_pdfa

pytestmark = pytest.mark.django_db
DEPARTURE = "Le critère C1.1.4 est secondaire dans cette situation d'accueil."
DIVERGENCE = "Réponses claires après relance."
NOT_SHOWN = "Pas démontré pendant l'épreuve."


@pytest.fixture
def e1(ops_version):
    candidacy = ef.started_candidacy(ops_version)
    (slot,) = cf.held_slots(ops_version, candidacy)
    anne, paul = cf.assessors(slot)
    return slot, anne, paul


def test_a_jurors_grid_prints_criterion_by_criterion_with_its_hash(e1):
    slot, anne, _ = e1
    grid = cf.submit(slot, anne, not_acquired=["C1.1.4"], comment=NOT_SHOWN)
    pdf = grids_pdf.render_juror_grid(grid)
    text = text_of(pdf)
    assert "Grille d'évaluation individuelle" in text
    assert slot.candidacy.candidate.full_name in text and "E1 —" in text
    assert anne.user.get_full_name() in text
    for mark in grid.marks.select_related("criterion"):
        assert mark.criterion.code in text
    assert "C1.1.4" in text and "non acquis" in text and NOT_SHOWN in text
    assert text.count(" acquis ") >= 5
    grid.refresh_from_db()
    assert f"{grid.content_hash} (conforme au contenu ci-dessus)" in text
    assert "Document non signé" in text and "journal d'audit" in text
    # PDF/A-2a, tagged, every font embedded, in French; not signed (poppler and pikepdf).
    assert_pdfa(pdf, signed=False)
    assert b"/ByteRange" not in pdf


def test_a_grid_altered_after_submission_says_so(e1):
    slot, anne, _ = e1
    grid = cf.submit(slot, anne)
    GridMark.objects.filter(grid=grid, position=0).update(comment="ajouté après coup")
    text = text_of(grids_pdf.render_juror_grid(grid))
    assert "ne correspond plus au contenu de la grille" in text


def test_a_draft_grid_does_not_print(e1):
    slot, anne, _ = e1
    grid = grids.ensure_grid(slot, anne)
    with pytest.raises(DocumentError, match="Grille non remise"):
        grids_pdf.render_juror_grid(grid)


def test_the_consolidated_result_shows_divergences_and_departures(e1):
    slot, anne, paul = e1
    cf.submit(slot, anne, not_acquired=["C1.1.4"])
    cf.submit(slot, paul, not_acquired=["C1.1.4", "C1.1.5"])
    competency = slot.assessment.competencies.get(code="C1.1")
    c.consolidate(
        slot,
        marks=cf.proposed_marks(slot, C1_1_5=(True, DIVERGENCE)),
        competencies={competency.pk: (True, DEPARTURE)},
        actor=anne.user,
    )
    text = text_of(grids_pdf.render_consolidated(slot))
    assert "Résultat consolidé de l'épreuve" in text
    assert anne.user.get_full_name() in text and paul.user.get_full_name() in text
    assert "1 critère(s) sur lesquels les évaluateurs diffèrent" in text
    assert "acquis (divergence)" in text and DIVERGENCE in text
    assert "Compétence C1.1 : acquise" in text
    assert f"écart à la règle (selon la règle : non acquise). Motif : {DEPARTURE}" in text
    digest = c.consolidation_digest(slot.consolidation)
    assert f"{digest} (conforme à celle inscrite au journal d'audit)" in text
    for grid in slot.grids.all():
        assert grid.content_hash in text
    # The recorded rows altered afterwards: the printed result says so.
    ConsolidatedMark.objects.filter(consolidation=slot.consolidation).update(comment="changé")
    text = text_of(grids_pdf.render_consolidated(slot))
    assert "ne correspond pas à celle inscrite au journal d'audit" in text


def test_a_slot_not_consolidated_does_not_print(e1):
    slot, _, _ = e1
    cf.submit_all(slot)
    with pytest.raises(DocumentError, match="Résultat non consolidé"):
        grids_pdf.render_consolidated(slot)


def test_a_final_oral_prints_its_outcome(ops_version):
    candidacy = ef.started_candidacy(ops_version, memoir_checked=True)
    (slot,) = cf.held_slots(ops_version, candidacy, codes=("E12",))
    cf.submit_all(slot, not_acquired=["E12.1"])
    c.consolidate(
        slot,
        marks=cf.proposed_marks(slot),
        outcome=True,
        outcome_reason="L'outil est présenté à l'oral et jugé probant.",
        actor=None,
    )
    text = text_of(grids_pdf.render_consolidated(slot))
    assert "Résultat de l'épreuve" in text and "Épreuve réussie" in text
    assert "selon la règle : non réussie" in text
    assert "L'outil est présenté à l'oral et jugé probant." in text


@pytest.mark.parametrize("data", [grids_pdf.sample_juror_data, grids_pdf.sample_consolidated_data])
def test_the_sample_grids(data):
    text = text_of(grids_pdf.render(data()))
    assert "EXEMPLE Camille" in text and "Document non signé" in text
