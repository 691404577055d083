"""The one yearly counter behind certificate and PV numbers.

- the data migration that merged the two former counters keeps every (certifier, year)'s
  last number: the next number drawn follows on, none is drawn twice;
- on PostgreSQL, threads drawing both kinds for the same certifier and year at the same
  instant (the row created by whichever comes first) get each sequence without gap or
  duplicate, and one kind never advances the other.
"""

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from acquis.credentials.numbering import next_certificate_number
from acquis.juries.minutes import next_number as next_minutes_number
from acquis.numbering.models import CounterKind, YearlyCounter
from tests.credentials.test_numbering_pg import Rollback, together

BEFORE = [
    ("numbering", "0001_initial"),
    ("credentials", "0007_duplicata"),
    ("juries", "0005_generic_titles"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_merge_keeps_every_issued_number_and_the_next_one_both_ways(certifier, other_certifier):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _migrate(BEFORE)
        old_certificates = old.get_model("credentials", "CertificateCounter")
        old_minutes = old.get_model("juries", "MinutesCounter")
        old_certificates.objects.create(certifier_id=certifier.pk, year=2026, last=41)
        old_certificates.objects.create(certifier_id=certifier.pk, year=2027, last=3)
        old_certificates.objects.create(certifier_id=other_certifier.pk, year=2026, last=7)
        old_minutes.objects.create(certifier_id=certifier.pk, year=2026, last=12)
    finally:
        _migrate(latest)
    assert set(YearlyCounter.objects.values_list("certifier", "kind", "year", "last")) == {
        (certifier.pk, "certificate", 2026, 41),
        (certifier.pk, "certificate", 2027, 3),
        (other_certifier.pk, "certificate", 2026, 7),
        (certifier.pk, "minutes", 2026, 12),
    }
    assert next_certificate_number(certifier, 2026) == "OPS-2026-000042"
    assert next_certificate_number(other_certifier, 2026) == "AC-2026-000008"
    assert next_minutes_number(certifier, 2026) == "PV-OPS-2026-0013"
    assert next_minutes_number(certifier, 2027) == "PV-OPS-2027-0001"
    # The way back restores the former counters with the numbers drawn since.
    try:
        old = _migrate(BEFORE)
        certificates = old.get_model("credentials", "CertificateCounter").objects
        minutes = old.get_model("juries", "MinutesCounter").objects
        assert certificates.get(certifier_id=certifier.pk, year=2026).last == 42
        assert set(minutes.values_list("year", "last")) == {(2026, 13), (2027, 1)}
    finally:
        _migrate(latest)
    assert next_certificate_number(certifier, 2026) == "OPS-2026-000043"


@pytest.mark.django_db
def test_kinds_do_not_share_a_sequence(certifier):
    assert next_certificate_number(certifier, 2026) == "OPS-2026-000001"
    assert next_minutes_number(certifier, 2026) == "PV-OPS-2026-0001"
    assert next_certificate_number(certifier, 2026) == "OPS-2026-000002"


@pytest.mark.django_db(transaction=True)
def test_concurrent_draws_of_both_kinds_on_postgresql(certifier):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Compteur annuel sous concurrence : PostgreSQL seulement (DATABASE_URL=postgres://…) ;"
            " SQLite sérialise les écritures et ne montrerait rien."
        )
    draws = {
        CounterKind.CERTIFICATE: next_certificate_number,
        CounterKind.MINUTES: next_minutes_number,
    }

    def drawer(index):
        kind = list(draws)[index % 2]
        committed = []
        for n in range(10):
            try:
                with transaction.atomic():
                    number = draws[kind](certifier, 2031)
                    if (index + n) % 4 == 0:
                        raise Rollback  # the transaction fails after its draw: number given back
                    committed.append(number)
            except Rollback:
                pass
        return kind, committed

    # The counter rows do not exist yet: the threads race to create them too.
    results = together([lambda i=i: drawer(i) for i in range(6)])
    assert [r for r in results if isinstance(r, BaseException)] == []
    for kind, prefix in (
        (CounterKind.CERTIFICATE, "OPS-2031-"),
        (CounterKind.MINUTES, "PV-OPS-2031-"),
    ):
        numbers = [n for k, batch in results if k == kind for n in batch]
        assert len(numbers) == len(set(numbers))  # no duplicate
        sequence = sorted(int(n.removeprefix(prefix)) for n in numbers)
        assert sequence == list(range(1, len(numbers) + 1))  # no gap
        assert YearlyCounter.objects.get(certifier=certifier, kind=kind, year=2031).last == len(
            numbers
        )
