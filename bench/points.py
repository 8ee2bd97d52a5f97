"""Benchmark of the points ledger: 1,000 concurrent earns and spends on real PostgreSQL.

    .venv/bin/python scripts/testenv.py -- .venv/bin/python bench/points.py [--threads 16]

Reports, on this machine, for two shapes of load of ``--ops`` operations each (half earns,
half spends, shuffled), run by ``--threads`` threads with a connection each:
1. spread: the operations fall on ``--members`` members at random, so locks rarely meet;
2. hot: every operation is on one member, so each waits for the account row lock in turn
   (the worst case: one member's many redemptions at once).
the throughput (operations per second of wall time), p50 and p95 of one operation (the
service call, its transaction and commit), how many spends were refused for want of points,
and a check that the ledger stayed exact: every balance the sum of its entries and of its
lots' remainders, none negative, no lot over-drawn, and the services' own tally of what was
earned and spent equal to what the database holds. It exits 1 if the ledger is not exact.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "authplatform.settings.test")


def _run(members: list[Any], ops: int, threads: int, seed: int) -> dict[str, Any]:
    from django.db import connection

    from membership.models import EarnReason
    from membership.services.points import PointsRefused, points_earn, points_spend

    rng = random.Random(seed)
    plan = [("earn" if n % 2 else "spend", rng.choice(members), rng.randint(1, 30), n)
            for n in range(ops)]  # fmt: skip
    rng.shuffle(plan)
    slices = [plan[t::threads] for t in range(threads)]
    timings: list[float] = []
    refused = 0
    moved = 0  # earned minus spent, as the services reported it
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def work(mine: list[tuple[str, Any, int, int]]) -> None:
        nonlocal refused, moved
        local: list[float] = []
        local_refused = local_moved = 0
        try:
            start.wait()
            for kind, member, points, n in mine:
                began = time.perf_counter()
                try:
                    if kind == "earn":
                        points_earn(member=member, points=points, reference=f"bench-{seed}-{n}",
                                    reason=EarnReason.APPRAISAL_COMPLETED)  # fmt: skip
                        local_moved += points
                    else:
                        points_spend(member=member, points=points, reference=f"bench-{seed}-{n}")
                        local_moved -= points
                except PointsRefused:
                    local_refused += 1
                local.append(time.perf_counter() - began)
        except BaseException as error:  # noqa: BLE001 - reported below
            with lock:
                errors.append(error)
        finally:
            connection.close()
            with lock:
                timings.extend(local)
                refused += local_refused
                moved += local_moved

    pool = [threading.Thread(target=work, args=(mine,)) for mine in slices]
    began = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    wall = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"{len(errors)} threads failed: {errors[0]!r}")
    timings.sort()
    return {
        "ops": len(timings),
        "rate": len(timings) / wall,
        "p50": statistics.median(timings) * 1000,
        "p95": timings[int(0.95 * (len(timings) - 1))] * 1000,
        "refused": refused,
        "moved": moved,
    }


def _ledger_problems(members: list[Any], moved: int) -> list[str]:
    from django.db.models import Sum

    from membership.models import PointsAccount, PointsEntry
    from membership.selectors.points import lots_with_remaining

    problems = []
    for account in PointsAccount.objects.filter(member__in=members):
        entries = PointsEntry.objects.filter(account=account)
        total = entries.aggregate(total=Sum("points"))["total"] or 0
        lots = list(lots_with_remaining(entries))
        remainders = [lot.remaining for lot in lots]
        if account.balance != total or account.balance != sum(remainders):
            problems.append(f"{account.member}: balance {account.balance}, entries {total}")
        if account.balance < 0:
            problems.append(f"{account.member}: negative balance {account.balance}")
        if any(not 0 <= lot.remaining <= lot.points for lot in lots):
            problems.append(f"{account.member}: a lot over-drawn")
    held = (
        PointsAccount.objects.filter(member__in=members).aggregate(total=Sum("balance"))["total"]
        or 0
    )
    if held != moved:
        problems.append(f"the services moved {moved} points; the accounts hold {held}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--members", type=int, default=50)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from members.models import User

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone() or ("?",)
    print(f"points ledger: {args.ops} operations (half earns of 1-30, half spends of 1-30) "
          f"over {args.threads} threads, PostgreSQL {version}\n")  # fmt: skip
    print(f"{'load':<8} {'members':>7} {'ops':>5} {'ops/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'refused':>8}  ledger")  # fmt: skip
    failed = False
    for label, count, seed in (("spread", args.members, 1), ("hot", 1, 2)):
        members = [User.objects.create_user(email=f"bench-{label}-{n}@example.com")
                   for n in range(count)]  # fmt: skip
        result = _run(members, args.ops, args.threads, seed)
        problems = _ledger_problems(members, result["moved"])
        failed |= bool(problems)
        print(f"{label:<8} {count:>7} {result['ops']:>5} {result['rate']:>7.0f} "
              f"{result['p50']:>7.1f} {result['p95']:>7.1f} {result['refused']:>8}  "
              f"{'exact' if not problems else '; '.join(problems[:3])}")  # fmt: skip
    connection.close()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
