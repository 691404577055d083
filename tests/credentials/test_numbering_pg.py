"""Certificate numbers: format, and concurrency on PostgreSQL (no gap, no duplicate).

Numbers come from one locked generator (`numbering.next_certificate_number`: the
`YearlyCounter` row of the certifier, kind and year, `select_for_update`, inside the issuing
transaction). Threads draw at the same instant, some transactions failing after their draw:
the committed numbers are unique and run 1..n without a hole. SQLite serialises writers on
its database lock, so the concurrency test would show nothing there (skipped with a reason).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/acquis_documents .venv/bin/pytest \
     tests/credentials/test_numbering_pg.py
"""

import pytest
from django.db import transaction

from acquis.credentials import numbering
from acquis.numbering.models import CounterKind, YearlyCounter
from acquis.organisations.services import ensure_certifier
from tests.concurrency import require_postgresql, together

THREADS = 8
DRAWS = 12


class Rollback(Exception):
    pass


@pytest.mark.django_db
def test_numbers_follow_each_other_per_certifier_and_year(certifier, other_certifier):
    assert numbering.next_certificate_number(certifier, 2026) == "OPS-2026-000001"
    assert numbering.next_certificate_number(certifier, 2026) == "OPS-2026-000002"
    assert numbering.next_certificate_number(certifier, 2027) == "OPS-2027-000001"
    assert numbering.next_certificate_number(other_certifier, 2026) == "AC-2026-000001"


@pytest.mark.django_db
def test_a_failed_issue_gives_its_number_back(certifier):
    with pytest.raises(Rollback), transaction.atomic():
        numbering.next_certificate_number(certifier, 2026)
        raise Rollback
    assert numbering.next_certificate_number(certifier, 2026) == "OPS-2026-000001"


@pytest.mark.django_db
def test_prefix_of_a_name_without_letters():
    assert numbering.prefix_for(ensure_certifier(name="— !")) == "CERT"


@pytest.fixture
def postgresql():
    require_postgresql("Numérotation concurrente des certificats")


@pytest.mark.django_db(transaction=True)
def test_concurrent_draws_leave_no_gap_and_no_duplicate(postgresql, certifier):
    def drawer(index):
        committed = []
        for n in range(DRAWS):
            try:
                with transaction.atomic():
                    number = numbering.next_certificate_number(certifier, 2030)
                    if (index + n) % 3 == 0:
                        raise Rollback  # the issuing transaction fails after its draw
                    committed.append(number)
            except Rollback:
                pass
        return committed

    results = together([lambda i=i: drawer(i) for i in range(THREADS)])
    assert [r for r in results if isinstance(r, BaseException)] == []
    numbers = [number for batch in results for number in batch]
    assert len(numbers) == len(set(numbers))  # no duplicate
    sequence = sorted(int(n.removeprefix("OPS-2030-")) for n in numbers)
    assert sequence == list(range(1, len(numbers) + 1))  # no gap
    assert YearlyCounter.objects.get(
        certifier=certifier, kind=CounterKind.CERTIFICATE, year=2030
    ).last == len(numbers)
