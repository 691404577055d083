"""Two clients save the same criterion at the same instant (PostgreSQL only).

Both name the same revision; the optimistic lock (grids.save_mark: one UPDATE … WHERE
revision = n) must let exactly one through. On PostgreSQL the second UPDATE waits for the
first one's row lock, then re-checks its WHERE on the new row version and matches nothing:
the second writer gets the 409 and its French conflict message, never a silent overwrite.
SQLite serialises writers on the database lock, so the test would show nothing there.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/acquis_grids .venv/bin/pytest \
     tests/evaluations/test_grid_concurrency.py
"""

import pytest
from django.test import Client
from django.urls import reverse

from acquis.evaluations import grids
from acquis.evaluations.enums import GridStatus
from acquis.evaluations.models import Grid, GridMark
from tests import evaluation_factories as ef
from tests.concurrency import require_postgresql, together
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 20
CONFLICT = "Ce critère a été modifié entre-temps"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def postgresql():
    require_postgresql("Concurrence des grilles")


def logged_in(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_the_same_criterion_saved_by_two_clients_at_once_loses_no_update(postgresql, ops_version):
    candidacy = ef.started_candidacy(ops_version)
    _, (slot,) = ef.opened_session(ops_version, [candidacy], code="E2")
    juror = slot.assessors.order_by("pk").first()
    grid = grids.ensure_grid(slot, juror)
    mark = grid.marks.order_by("position").first()
    url = reverse("jury:grid_mark", args=[grid.pk, mark.pk])
    clients = [logged_in(juror.user), logged_in(juror.user)]  # two tabs, two devices

    winners = set()
    for n in range(ROUNDS):
        revision = GridMark.objects.get(pk=mark.pk).revision
        posts = [
            {
                f"acquis-{mark.pk}": "oui" if i == 0 else "non",
                f"commentaire-{mark.pk}": f"client {i}, tour {n}",
                f"revision-{mark.pk}": str(revision),
            }
            for i in range(2)
        ]
        responses = together(
            [lambda c=c, p=p: c.post(url, p, **HTMX) for c, p in zip(clients, posts, strict=True)],
            reraise=True,
            start_timeout=10,
            timeout=30,
        )
        codes = [r.status_code for r in responses]
        assert sorted(codes) == [200, 409], (n, codes)
        winner, loser = (0, 1) if codes[0] == 200 else (1, 0)
        winners.add(winner)
        stored = GridMark.objects.get(pk=mark.pk)
        assert stored.revision == revision + 1
        assert stored.comment == f"client {winner}, tour {n}"
        assert stored.acquired is (winner == 0)
        body = responses[loser].content.decode()
        assert CONFLICT in body
        assert f"client {winner}, tour {n}" in body  # the loser sees what was kept
    assert GridMark.objects.get(pk=mark.pk).revision == ROUNDS


def test_a_save_racing_the_submission_never_changes_the_submitted_grid(postgresql, ops_version):
    candidacies = [ef.started_candidacy(ops_version) for _ in range(8)]
    _, slots = ef.opened_session(ops_version, candidacies, code="E2")
    outcomes = set()
    for slot in slots:
        juror = slot.assessors.order_by("pk").first()
        grid = grids.ensure_grid(slot, juror)
        access = grids.grid_access(grid.pk, juror.user_id)
        marks = list(grid.marks.order_by("position"))
        for mark in marks:
            grids.save_mark(access, mark.pk, acquired=True, comment="", revision=0)
        saver, submitter = logged_in(juror.user), logged_in(juror.user)
        last = marks[-1]
        data = {
            f"acquis-{last.pk}": "non",
            f"commentaire-{last.pk}": "Ajouté au dernier moment",
            f"revision-{last.pk}": "1",
        }
        saved, submitted = together(
            [
                lambda s=saver, g=grid, m=last, d=data: s.post(
                    reverse("jury:grid_mark", args=[g.pk, m.pk]), d, **HTMX
                ),
                lambda s=submitter, g=grid: s.post(
                    reverse("jury:grid_submit", args=[g.pk]), {"confirmation": "oui"}
                ),
            ],
            reraise=True,
            start_timeout=10,
            timeout=30,
        )
        assert submitted.status_code == 302
        assert saved.status_code in (200, 423), saved.status_code
        outcomes.add(saved.status_code)
        grid = Grid.objects.get(pk=grid.pk)
        assert grid.status == GridStatus.SUBMITTED and grids.is_intact(grid)
        stored = GridMark.objects.get(pk=last.pk)
        # The save either landed before the submission (and is in the hash) or not at all.
        assert stored.acquired is (False if saved.status_code == 200 else True)
    assert outcomes  # which one wins depends on timing; each round is checked above
