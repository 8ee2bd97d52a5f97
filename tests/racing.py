"""Racing threads against real PostgreSQL, for the tests of every ledger (points, quotas,
invoices, credit): each thread opens its own connection, all are released at once by a
barrier, and each closes its connection when done."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def race(threads: int, work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run ``work(i)`` in ``threads`` threads released at once; their results and errors."""
    from django.db import connection

    start = threading.Barrier(threads)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        try:
            start.wait()
            outcome = work(index)
            with lock:
                results.append(outcome)
        except BaseException as error:  # noqa: BLE001 - returned to the test
            with lock:
                errors.append(error)
        finally:
            connection.close()

    pool = [threading.Thread(target=run, args=(index,)) for index in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in pool)
    return results, errors
