"""PV numbers under concurrency (PostgreSQL only): no gap, no duplicate.

Numbers come from one locked generator (`minutes.next_number`: the `YearlyCounter` row of
the certifier, kind and year, `select_for_update`, inside the issuing transaction). Many threads
close deliberations and draw numbers at the same instant, some transactions failing after
their draw: every committed number is unique and they run 1..n without a hole (a failed
transaction gives its number back). SQLite serialises writers on its database lock, so the
test would show nothing there.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/acquis_minutes .venv/bin/pytest \
     tests/juries/test_minutes_numbering_pg.py
"""

import pytest
from django.db import transaction

from acquis.juries import minutes
from acquis.juries.models import Minutes
from acquis.numbering.models import CounterKind, YearlyCounter
from tests.concurrency import require_postgresql, together
from tests.juries.test_minutes import decided

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 8
DRAWS = 12


class Rollback(Exception):
    pass


@pytest.fixture
def postgresql():
    require_postgresql("Numérotation concurrente des procès-verbaux")


def sequence(numbers, year):
    return sorted(int(n.removeprefix(f"PV-OPS-{year}-")) for n in numbers)


def test_concurrent_closings_draw_distinct_numbers_without_gap(postgresql, ops_version):
    deliberations = [decided(ops_version)[0] for _ in range(THREADS)]
    results = together(
        [lambda d=d: minutes.close_deliberation(d, actor=None).number for d in deliberations]
    )
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    assert sequence(results, 2026) == list(range(1, THREADS + 1))
    assert Minutes.objects.count() == THREADS


def test_concurrent_draws_with_failures_leave_no_gap_and_no_duplicate(postgresql, certifier):
    def drawer(index):
        committed = []
        for n in range(DRAWS):
            try:
                with transaction.atomic():
                    number = minutes.next_number(certifier, 2030)
                    if (index + n) % 3 == 0:
                        raise Rollback  # the issuing transaction fails after its draw
                    committed.append(number)
            except Rollback:
                pass
        return committed

    results = together([lambda i=i: drawer(i) for i in range(THREADS)])
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    numbers = [number for batch in results for number in batch]
    assert len(numbers) == len(set(numbers))  # no duplicate
    assert sequence(numbers, 2030) == list(range(1, len(numbers) + 1))  # no gap
    counter = YearlyCounter.objects.get(certifier=certifier, kind=CounterKind.MINUTES, year=2030)
    assert counter.last == len(numbers)
