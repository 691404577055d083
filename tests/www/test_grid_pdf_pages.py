"""Printable grids through the pages: the staff (slot page, dossier) and the juror (own
grid) download them; another certifier, another juror, a draft grid or a slot not yet
consolidated get 404 (the role-level answers are in matrix_documents_pdf.py)."""

from html import unescape

import pytest
from django.urls import reverse

from acquis.evaluations import grids
from tests import consolidation_factories as cf
from tests import evaluation_factories as ef
from tests.conftest import PASSWORD
from tests.credentials.test_documents import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def e1(ops_version):
    candidacy = ef.started_candidacy(ops_version)
    (slot,) = cf.held_slots(ops_version, candidacy)
    anne, paul = cf.assessors(slot)
    return slot, anne, paul


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def pdf_of(response) -> bytes:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF-")
    return response.content


def test_staff_print_each_grid_and_the_consolidated_result(client, personas, e1):
    slot, anne, paul = e1
    draft = grids.ensure_grid(slot, paul)
    login(client, personas["responsable_epreuves"])
    slot_page = reverse("staff:slot", args=[slot.pk])
    consolidated_url = reverse("staff:slot_consolidation_pdf", args=[slot.pk])
    assert consolidated_url not in client.get(slot_page).content.decode()
    assert client.get(consolidated_url).status_code == 404  # not consolidated yet
    assert client.get(reverse("staff:grid_pdf", args=[draft.pk])).status_code == 404  # draft
    grid = cf.submit(slot, anne, not_acquired=["C1.1.2"])
    page = unescape(client.get(slot_page).content.decode())
    url = reverse("staff:grid_pdf", args=[grid.pk])
    assert url in page and reverse("staff:grid_pdf", args=[draft.pk]) not in page
    text = text_of(pdf_of(client.get(url)))
    assert anne.user.get_full_name() in text and "C1.1.2" in text
    cf.submit(slot, paul)
    from acquis.evaluations import consolidation

    consolidation.consolidate(
        slot, marks=cf.proposed_marks(slot, C1_1_2=(False, "Non démontré.")), actor=None
    )
    assert consolidated_url in client.get(slot_page).content.decode()
    text = text_of(pdf_of(client.get(consolidated_url)))
    assert "Résultat consolidé de l'épreuve" in text and "(divergence)" in text


def test_another_certifier_sees_neither(client, personas, e1):
    slot, anne, _ = e1
    cf.consolidate_all(slot)
    login(client, personas["admin_autre_certificateur"])
    grid = slot.grids.get(juror=anne)
    assert client.get(reverse("staff:grid_pdf", args=[grid.pk])).status_code == 404
    url = reverse("staff:slot_consolidation_pdf", args=[slot.pk])
    assert client.get(url).status_code == 404


def test_the_dossier_links_every_printable_grid(client, personas, ops_version):
    candidacy = ef.started_candidacy(ops_version, blocks=["B1", "B2"])
    e1, e2 = cf.held_slots(ops_version, candidacy, codes=("E1", "E2"))
    cf.consolidate_all(e1)
    anne, _ = cf.assessors(e2)
    submitted = cf.submit(e2, anne)
    login(client, personas["responsable_epreuves"])
    page = client.get(reverse("staff:candidacy", args=[candidacy.pk])).content.decode()
    assert "Grilles d'évaluation imprimables" in page
    for grid in e1.grids.all():
        assert reverse("staff:grid_pdf", args=[grid.pk]) in page
    assert reverse("staff:grid_pdf", args=[submitted.pk]) in page
    assert reverse("staff:slot_consolidation_pdf", args=[e1.pk]) in page
    assert reverse("staff:slot_consolidation_pdf", args=[e2.pk]) not in page
    assert "Pas encore consolidé" in page


def test_a_juror_prints_only_their_own_submitted_grid(client, e1):
    slot, anne, paul = e1
    theirs = cf.submit(slot, paul)
    mine = grids.ensure_grid(slot, anne)
    login(client, anne.user)
    url = reverse("jury:grid_pdf", args=[mine.pk])
    assert client.get(url).status_code == 404  # still a draft
    assert url not in client.get(reverse("jury:grid", args=[mine.pk])).content.decode()
    mine = cf.submit(slot, anne)
    assert url in client.get(reverse("jury:grid", args=[mine.pk])).content.decode()
    text = text_of(pdf_of(client.get(url)))
    assert anne.user.get_full_name() in text and paul.user.get_full_name() not in text
    assert client.get(reverse("jury:grid_pdf", args=[theirs.pk])).status_code == 404


def test_post_is_not_allowed(client, personas, e1):
    slot, anne, _ = e1
    grid = cf.submit(slot, anne)
    login(client, personas["responsable_epreuves"])
    assert client.post(reverse("staff:grid_pdf", args=[grid.pk])).status_code == 405
