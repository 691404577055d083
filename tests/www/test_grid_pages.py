"""The juror's slot page and own grid through the test client: opening, autosave (htmx),
conflicts, the whole-form save without JavaScript, submission and the read-only grid."""

import re
from html import unescape

import pytest
from django.urls import reverse

from acquis.candidates.enums import AccommodationKind
from acquis.candidates.services import add_accommodation
from acquis.evaluations import grids, planning
from acquis.evaluations.enums import GridStatus, SlotStatus
from acquis.evaluations.models import Grid, GridMark
from acquis.organisations.enums import Role
from acquis.organisations.models import Membership
from tests import evaluation_factories as ef
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
CONFLICT = "Ce critère a été modifié entre-temps"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def held(ops_version):
    """E2 (4 competencies) of a candidate with 15 minutes of extra time, session opened."""
    candidacy = ef.started_candidacy(ops_version)
    add_accommodation(candidacy, kind=AccommodationKind.EXTRA_TIME, extra_minutes=15)
    add_accommodation(candidacy, kind=AccommodationKind.ACCESSIBLE_ROOM, details="Rez-de-chaussée")
    session, (slot,) = ef.opened_session(ops_version, [candidacy], code="E2")
    first, second = slot.assessors.order_by("pk")
    return slot, first, second


def text(response) -> str:
    return unescape(response.content.decode())


def login(client, juror):
    assert client.login(email=juror.user.email, password=PASSWORD)
    return client


def marks_of(grid):
    return list(GridMark.objects.filter(grid=grid).select_related("criterion").order_by("position"))


def mark_data(mark, acquired="", comment="", revision=None) -> dict:
    return {
        f"acquis-{mark.pk}": acquired,
        f"commentaire-{mark.pk}": comment,
        f"revision-{mark.pk}": str(mark.revision if revision is None else revision),
    }


def autosave(client, grid, mark, **kw):
    url = reverse("jury:grid_mark", args=[grid.pk, mark.pk])
    return client.post(url, mark_data(mark, **kw), **HTMX)


def whole_form(marks, overrides=None) -> dict:
    """Every criterion as posted by the page; `overrides`: {mark pk: (acquired, comment)}."""
    data = {}
    for mark in marks:
        acquired, comment = (overrides or {}).get(mark.pk, ("", ""))
        data |= mark_data(mark, acquired, comment)
    return data


# --- the slot page and opening a grid -------------------------------------------------------


def test_the_slot_page_shows_the_sitting_and_the_state_of_each_grid(client, held):
    slot, first, second = held
    other = grids.ensure_grid(slot, second)
    access = grids.grid_access(other.pk, second.user_id)
    for mark in marks_of(other):
        grids.save_mark(access, mark.pk, acquired=True, comment="Secret du collègue", revision=0)
    grids.submit_grid(other)

    response = login(client, first).get(reverse("jury:slot", args=[slot.pk]))
    assert response.status_code == 200
    html = text(response)
    assert slot.candidacy.candidate.full_name in html
    for code in ("C1.2", "C1.3", "C1.4", "C1.5"):
        assert code in html
    assert "+ 15 min de temps supplémentaire (aménagement)" in html
    assert "Salle accessible" in html and "Rez-de-chaussée" in html
    assert "Ouverte" in html
    assert "Non commencée" in html and "Remise le" in html
    assert "Secret du collègue" not in html  # another juror's content stays hidden
    assert reverse("jury:grid", args=[other.pk]) not in html
    assert "Ouvrir ma grille" in html


def test_opening_my_grid_creates_it_once_then_leads_to_it(client, held):
    slot, first, _ = held
    login(client, first)
    url = reverse("jury:grid_open", args=[slot.pk])
    response = client.post(url)
    grid = Grid.objects.get(slot=slot, juror=first)
    assert response.status_code == 302 and response.url == reverse("jury:grid", args=[grid.pk])
    assert client.post(url).url == response.url
    assert Grid.objects.filter(slot=slot).count() == 1
    page = text(client.get(reverse("jury:slot", args=[slot.pk])))
    assert "Reprendre ma grille" in page and "Ouvrir ma grille" not in page
    assert client.get(url).status_code == 405


def test_opening_is_refused_in_french_when_the_candidate_is_absent(client, held):
    slot, first, _ = held
    planning.move_slot(slot, SlotStatus.ABSENT_EXCUSED, actor=None)
    response = login(client, first).post(reverse("jury:grid_open", args=[slot.pk]))
    assert response.status_code == 200
    assert "Pas de grille : le créneau est « Absence excusée »." in text(response)
    assert not Grid.objects.exists()


def test_a_slot_the_juror_does_not_assess_is_hidden(client, held, ops_version):
    slot, _, _ = held
    outsider = ef.juror(ops_version.certification.owner, ops_version)
    login(client, outsider)
    assert client.get(reverse("jury:slot", args=[slot.pk])).status_code == 404
    assert client.post(reverse("jury:grid_open", args=[slot.pk])).status_code == 404
    assert not Grid.objects.exists()


# --- the grid page and the autosave ---------------------------------------------------------


def test_the_grid_page_groups_the_criteria_by_competency(client, held):
    slot, first, _ = held
    grid = grids.ensure_grid(slot, first)
    response = login(client, first).get(reverse("jury:grid", args=[grid.pk]))
    assert response.status_code == 200
    html = text(response)
    marks = marks_of(grid)
    assert f"0 / {len(marks)}" in html
    assert html.count("<fieldset") == len(marks)
    assert html.count("<h2") == 4  # one heading per competency of E2
    assert "htmx.min.js" in html and "X-CSRFToken" in html
    assert f'hx-post="{reverse("jury:grid_mark", args=[grid.pk, marks[0].pk])}"' in html


def test_autosave_saves_one_criterion_and_answers_the_new_revision(client, held):
    slot, first, _ = held
    grid = grids.ensure_grid(slot, first)
    marks = marks_of(grid)
    login(client, first)
    response = autosave(client, grid, marks[0], acquired="non", comment="Pas de reformulation")
    assert response.status_code == 200
    html = text(response)
    assert "Enregistré à" in html
    assert re.search(rf'name="revision-{marks[0].pk}"\s+value="1"\s+hx-swap-oob="true"', html)
    assert "Justification (obligatoire)" in html
    stored = GridMark.objects.get(pk=marks[0].pk)
    assert (stored.acquired, stored.comment, stored.revision) == (
        False,
        "Pas de reformulation",
        1,
    )


def test_autosave_is_lean(client, held, django_assert_num_queries):
    slot, first, _ = held
    grid = grids.ensure_grid(slot, first)
    mark = marks_of(grid)[0]
    login(client, first)
    # session, user, the second-factor status (acquis.security.middleware), the UPDATE
    # (whose WHERE proves the grid, its state and the juror role)
    with django_assert_num_queries(4):
        assert autosave(client, grid, mark, acquired="oui").status_code == 200
    stored = GridMark.objects.get(pk=mark.pk)
    assert (stored.acquired, stored.revision) == (True, 1) and stored.updated_at is not None


def test_a_stale_revision_is_a_conflict_showing_the_stored_values(client, held):
    slot, first, _ = held
    grid = grids.ensure_grid(slot, first)
    mark = marks_of(grid)[0]
    login(client, first)
    assert autosave(client, grid, mark, acquired="oui", comment="Premier onglet").status_code == 200
    response = autosave(client, grid, mark, acquired="non", comment="Second onglet", revision=0)
    assert response.status_code == 409
    html = text(response)
    assert CONFLICT in html and 'role="alert"' in html
    assert "Premier onglet" in html  # the stored value
    assert "Votre saisie non enregistrée : Non acquis" in html and "Second onglet" in html
    assert re.search(rf'name="revision-{mark.pk}"\s+value="1"', html)
    assert response.headers["HX-Retarget"] == f"#critere-{mark.pk}"
    stored = GridMark.objects.get(pk=mark.pk)
    assert (stored.acquired, stored.comment, stored.revision) == (True, "Premier onglet", 1)


def test_malformed_autosave_is_refused_without_writing(client, held):
    slot, first, _ = held
    grid = grids.ensure_grid(slot, first)
    mark = marks_of(grid)[0]
    login(client, first)
    response = autosave(client, grid, mark, acquired="peut-être")
    assert response.status_code == 422
    assert "Saisie invalide" in text(response)
    response = autosave(client, grid, mark, comment="x" * (grids.COMMENT_MAX + 1))
    assert response.status_code == 422
    assert "Commentaire : 4000 caractères au plus." in text(response)
    assert GridMark.objects.get(pk=mark.pk).revision == 0


def test_autosave_on_a_submitted_grid_is_refused(client, held):
    slot, first, _ = held
    grid = grids.ensure_grid(slot, first)
    access = grids.grid_access(grid.pk, first.user_id)
    for mark in marks_of(grid):
        grids.save_mark(access, mark.pk, acquired=True, comment="", revision=0)
    grids.submit_grid(grid)
    mark = marks_of(grid)[0]
    response = autosave(login(client, first), grid, mark, acquired="non", comment="Trop tard")
    assert response.status_code == 423
    assert "Grille remise : elle ne peut plus être modifiée." in text(response)
    assert GridMark.objects.get(pk=mark.pk).acquired is True


def test_another_jurors_grid_and_marks_are_hidden(client, held):
    slot, first, second = held
    mine = grids.ensure_grid(slot, first)
    theirs = grids.ensure_grid(slot, second)
    their_mark = marks_of(theirs)[0]
    login(client, first)
    assert client.get(reverse("jury:grid", args=[theirs.pk])).status_code == 404
    assert autosave(client, theirs, their_mark, acquired="non").status_code == 404
    # malformed input says nothing either: the access check comes first
    assert autosave(client, theirs, their_mark, acquired="peut-être").status_code == 404
    assert client.post(reverse("jury:grid_submit", args=[theirs.pk])).status_code == 404
    # my grid's URL with their criterion: the criterion is not in my grid
    url = reverse("jury:grid_mark", args=[mine.pk, their_mark.pk])
    response = client.post(url, mark_data(their_mark, "non"), **HTMX)
    assert response.status_code == 422
    assert "Critère inconnu dans cette grille." in text(response)
    assert GridMark.objects.get(pk=their_mark.pk).revision == 0


def test_a_juror_whose_role_was_removed_cannot_save(client, held):
    slot, first, _ = held
    grid = grids.ensure_grid(slot, first)
    mark = marks_of(grid)[0]
    login(client, first)
    Membership.objects.filter(user=first.user, role=Role.JUROR).delete()
    assert autosave(client, grid, mark, acquired="oui").status_code == 403
    assert autosave(client, grid, mark, acquired="peut-être").status_code == 403
    assert client.get(reverse("jury:grid", args=[grid.pk])).status_code == 403
    response = client.post(reverse("jury:grid", args=[grid.pk]), whole_form([mark]))
    assert response.status_code == 403
    assert GridMark.objects.get(pk=mark.pk).revision == 0


def test_anonymous_autosave_is_sent_to_the_login_page(client, held):
    slot, first, _ = held
    grid = grids.ensure_grid(slot, first)
    mark = marks_of(grid)[0]
    response = autosave(client, grid, mark, acquired="oui")
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith(reverse("accounts:login"))
    url = reverse("jury:grid_mark", args=[grid.pk, mark.pk])
    assert client.post(url, mark_data(mark, "oui")).status_code == 302
    assert GridMark.objects.get(pk=mark.pk).revision == 0


# --- without JavaScript: the whole form --------------------------------------------------------


def test_the_whole_form_saves_every_changed_criterion(client, held):
    slot, first, _ = held
    grid = grids.ensure_grid(slot, first)
    marks = marks_of(grid)
    login(client, first)
    data = whole_form(marks, {m.pk: ("oui", f"Vu {m.criterion.code}") for m in marks[:3]})
    response = client.post(reverse("jury:grid", args=[grid.pk]), data)
    assert response.status_code == 302
    stored = marks_of(grid)
    assert [(m.acquired, m.revision) for m in stored[:3]] == [(True, 1)] * 3
    assert all(m.revision == 0 and m.acquired is None for m in stored[3:])  # unchanged: not saved
    assert stored[1].comment == f"Vu {stored[1].criterion.code}"
    page = text(client.get(response.url))
    assert "Grille enregistrée." in page and f"3 / {len(marks)}" in page


def test_the_whole_form_lists_conflicts_and_saves_the_rest(client, held):
    slot, first, _ = held
    grid = grids.ensure_grid(slot, first)
    marks = marks_of(grid)
    login(client, first)
    page_marks = marks_of(grid)  # the page was loaded here (revision 0 everywhere)
    autosave(client, grid, marks[0], acquired="oui", comment="Autre onglet")
    data = whole_form(page_marks, {m.pk: ("non", "Ce formulaire") for m in page_marks[:2]})
    response = client.post(reverse("jury:grid", args=[grid.pk]), data)
    assert response.status_code == 409
    html = text(response)
    assert "1 critère non enregistré" in html and CONFLICT in html
    assert f'href="#critere-{marks[0].pk}"' in html
    assert "Autre onglet" in html  # the stored value is shown
    first_mark, second_mark = marks_of(grid)[:2]
    assert (first_mark.acquired, first_mark.comment) == (True, "Autre onglet")
    assert (second_mark.acquired, second_mark.comment) == (False, "Ce formulaire")


def test_malformed_whole_form_writes_nothing(client, held):
    slot, first, _ = held
    grid = grids.ensure_grid(slot, first)
    marks = marks_of(grid)
    data = whole_form(marks, {marks[0].pk: ("oui", ""), marks[1].pk: ("oui", "")})
    data[f"revision-{marks[1].pk}"] = "abc"
    response = login(client, first).post(reverse("jury:grid", args=[grid.pk]), data)
    assert response.status_code == 422
    assert "Saisie invalide : rechargez la page et recommencez." in text(response)
    assert not GridMark.objects.filter(grid=grid, revision__gt=0).exists()


# --- submission -----------------------------------------------------------------------------


def test_submission_lists_the_problems_then_locks_the_grid(client, held):
    slot, first, _ = held
    grid = grids.ensure_grid(slot, first)
    marks = marks_of(grid)
    login(client, first)
    for mark in marks[1:]:
        autosave(client, grid, mark, acquired="oui")
    autosave(client, grid, marks[0], acquired="non")
    submit = reverse("jury:grid_submit", args=[grid.pk])
    assert client.get(submit).status_code == 405

    response = client.post(submit)
    assert response.status_code == 422
    html = text(response)
    assert "Grille incomplète : elle n'a pas été remise." in html
    code = marks[0].criterion.code
    assert f"Critère {code} : justifiez « non acquis » dans le commentaire." in html
    assert f'href="#commentaire-{marks[0].pk}"' in html
    assert Grid.objects.get(pk=grid.pk).status == GridStatus.DRAFT

    # Without JavaScript the justification comes with the submit button.
    marks = marks_of(grid)
    data = whole_form(marks, {m.pk: ("oui", "") for m in marks[1:]})
    data |= mark_data(marks[0], "non", "N'a pas présenté l'offre de service")
    # Complete: the marks are saved, then the confirmation says what remitting means.
    response = client.post(submit, data)
    assert response.status_code == 200
    html = text(response)
    assert "Remettre votre grille ?" in html and "vous ne pourrez plus la modifier" in html
    assert Grid.objects.get(pk=grid.pk).status == GridStatus.DRAFT
    assert marks_of(grid)[0].comment == "N'a pas présenté l'offre de service"
    response = client.post(submit, {"confirmation": "oui"})
    assert response.status_code == 302
    grid.refresh_from_db()
    assert grid.status == GridStatus.SUBMITTED and grids.is_intact(grid)
    assert marks_of(grid)[0].comment == "N'a pas présenté l'offre de service"

    page = text(client.get(reverse("jury:grid", args=[grid.pk])))
    assert "Grille remise le" in page and grid.content_hash in page
    assert "contenu conforme à l'empreinte" in page
    assert "<textarea" not in page and "htmx.min.js" not in page
    assert "N'a pas présenté l'offre de service" in page


def test_a_submitted_grid_never_changes_through_the_pages(client, held):
    slot, first, _ = held
    grid = grids.ensure_grid(slot, first)
    access = grids.grid_access(grid.pk, first.user_id)
    for mark in marks_of(grid):
        grids.save_mark(access, mark.pk, acquired=True, comment="", revision=0)
    grids.submit_grid(grid)
    grid.refresh_from_db()
    marks = marks_of(grid)
    login(client, first)
    data = whole_form(marks, {marks[0].pk: ("non", "Changement")})
    response = client.post(reverse("jury:grid", args=[grid.pk]), data)
    assert response.status_code == 409
    assert "Grille remise : elle ne peut plus être modifiée." in text(response)
    response = client.post(reverse("jury:grid_submit", args=[grid.pk]))
    assert response.status_code == 422
    assert "Grille remise : elle ne peut plus être modifiée." in text(response)
    assert grids.is_intact(Grid.objects.get(pk=grid.pk))
    assert GridMark.objects.filter(grid=grid, acquired=False).count() == 0
