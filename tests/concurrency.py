"""The PostgreSQL concurrency harness, written once: calls released at the same instant in
threads, each thread on its own database connection, closed when it ends (a connection left
open would keep the test database from being dropped).

Used by the tests of numbering (certificates, minutes), of batches and of the grids' autosave;
SQLite serialises writers and would show nothing, so `require_postgresql` skips there.
"""

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection, connections


def require_postgresql(what: str) -> None:
    """Skip the test unless it runs on PostgreSQL; `what` names the behaviour, in French."""
    if connection.vendor != "postgresql":
        pytest.skip(
            f"{what} : PostgreSQL seulement (DATABASE_URL=postgres://…) ; SQLite sérialise "
            "les écritures et ne montrerait rien."
        )


@contextmanager
def own_connection() -> Iterator[None]:
    """The body of a thread: Django opens its connection on first use; closed at the end."""
    try:
        yield
    finally:
        connections.close_all()


def together(
    calls: Sequence[Callable[[], Any]],
    *,
    reraise: bool = False,
    start_timeout: float = 20,
    timeout: float = 120,
) -> list:
    """Run the calls in threads released at once by a barrier; their results, in order.

    A call that raised gives its exception as its result (the test says what it expects),
    or, with `reraise`, the first such exception is raised here."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        with own_connection():
            try:
                barrier.wait(timeout=start_timeout)
                results[i] = call()
            except BaseException as exc:  # reported by the main thread
                results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    if reraise:
        for result in results:
            if isinstance(result, BaseException):
                raise result
    return results
