"""Benchmark of the points and quota ledgers: 1,000 concurrent operations each on real
PostgreSQL.

    .venv/bin/python scripts/testenv.py -- .venv/bin/python bench/ledgers.py [--threads 16]

Reports, on this machine, for two shapes of load of ``--ops`` operations each, run by
``--threads`` threads with a connection each:
1. spread: the operations fall on ``--members`` members at random, so locks rarely meet;
2. hot: every operation is on one member, so each waits for that member's lock in turn
   (the worst case: one member's many cases or redemptions at once).

The points ledger gets half earns, half spends (shuffled); the quota ledger gets two consumes
(``quota_consume``, a case covered by a pass or a free appraisal) for each restore
(``quota_restore`` of an earlier case, each restored at most once), on members with 10 free
appraisals a month, one in five of them with a pass. For each: the throughput (operations per
second of wall time), p50 and p95 of one operation (the service call, its transaction and
commit), how many were refused (a spend for want of points, a case that nothing covered), and
a check that the ledger stayed exact:
- points: every balance the sum of its entries and of its lots' remainders, none negative,
  no lot over-drawn, and the services' own tally of what was earned and spent equal to what
  the database holds;
- quotas: every period's count equal to its active free-appraisal uses and within its
  allowance, at most one active use per case, and the services' tally of free and pass uses
  (consumed less restored) equal to the active uses in the database.
It exits 1 unless every ledger is exact.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "authplatform.settings.test")

QUOTA_FREE_A_MONTH = 10
QUOTA_STANDARD_CENTS = 2_500
QUOTA_PRIORITY_CENTS = 4_000

# One operation: returns whether it was refused, and what it added to the tally.
Operation = Callable[[], tuple[bool, Counter[str]]]


def _race(plan: list[Operation], threads: int) -> dict[str, Any]:
    """Run ``plan`` over ``threads`` threads released at once; timings, refusals and tally."""
    from django.db import connection

    slices = [plan[t::threads] for t in range(threads)]
    timings: list[float] = []
    refused = 0
    tally: Counter[str] = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def work(mine: list[Operation]) -> None:
        nonlocal refused
        local: list[float] = []
        local_refused = 0
        local_tally: Counter[str] = Counter()
        try:
            start.wait()
            for operation in mine:
                began = time.perf_counter()
                was_refused, moved = operation()
                local.append(time.perf_counter() - began)
                local_refused += was_refused
                local_tally.update(moved)
        except BaseException as error:  # noqa: BLE001 - reported below
            with lock:
                errors.append(error)
        finally:
            connection.close()
            with lock:
                timings.extend(local)
                refused += local_refused
                tally.update(local_tally)

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
        "tally": tally,
    }


def _points_plan(members: list[Any], ops: int, seed: int) -> list[Operation]:
    from membership.models import EarnReason
    from membership.services.points import PointsRefused, points_earn, points_spend

    def earn(member: Any, points: int, reference: str) -> Operation:
        def run() -> tuple[bool, Counter[str]]:
            points_earn(member=member, points=points, reference=reference,
                        reason=EarnReason.APPRAISAL_COMPLETED)  # fmt: skip
            return False, Counter(points=points)

        return run

    def spend(member: Any, points: int, reference: str) -> Operation:
        def run() -> tuple[bool, Counter[str]]:
            try:
                points_spend(member=member, points=points, reference=reference)
            except PointsRefused:
                return True, Counter()
            return False, Counter(points=-points)

        return run

    rng = random.Random(seed)
    plan = [(earn if n % 2 else spend)(rng.choice(members), rng.randint(1, 30), f"bench-{seed}-{n}")
            for n in range(ops)]  # fmt: skip
    rng.shuffle(plan)
    return plan


def _points_problems(members: list[Any], tally: Counter[str]) -> list[str]:
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
    if held != tally["points"]:
        problems.append(f"the services moved {tally['points']} points; the accounts hold {held}")
    return problems


def _quota_members(label: str, count: int) -> list[Any]:
    """``count`` members on a tier of 10 free appraisals a month, every fifth with a pass."""
    from datetime import timedelta

    from django.utils import timezone

    from members.models import User
    from membership.models import Membership, Plan
    from membership.services.plans import membership_grant

    tier, _ = Plan.objects.get_or_create(
        code="bench-tier",
        defaults={"name": "Bench tier", "kind": Plan.Kind.TIER, "spend_threshold_cents": 10**9,
                  "free_appraisals": QUOTA_FREE_A_MONTH, "active": False},
    )  # fmt: skip
    pass_plan, _ = Plan.objects.get_or_create(
        code="bench-pass",
        defaults={"name": "Bench pass", "kind": Plan.Kind.PASS, "price_cents": 1_900,
                  "billing_interval": Plan.Interval.MONTH, "unlimited_basic_appraisals": True,
                  "active": False},
    )  # fmt: skip
    since = timezone.now() - timedelta(days=1)
    members = []
    for n in range(count):
        member = User.objects.create_user(email=f"bench-quota-{label}-{n}@example.com")
        membership_grant(member=member, plan=tier, starts_at=since, source=Membership.Source.STAFF)
        if n % 5 == 4:
            membership_grant(member=member, plan=pass_plan, starts_at=since,
                             source=Membership.Source.STAFF)  # fmt: skip
        members.append(member)
    return members


def _quota_plan(members: list[Any], ops: int, seed: int) -> list[Operation]:
    from membership.services.quotas import quota_consume, quota_restore

    def consume(member: Any, reference: str, tier: str) -> Operation:
        base = QUOTA_STANDARD_CENTS if tier == "standard" else QUOTA_PRIORITY_CENTS

        def run() -> tuple[bool, Counter[str]]:
            use = quota_consume(member=member, reference=reference, service_tier=tier,
                                base_cents=base, standard_cents=QUOTA_STANDARD_CENTS)  # fmt: skip
            return (True, Counter()) if use is None else (False, Counter([use.source]))

        return run

    def restore(reference: str) -> Operation:
        def run() -> tuple[bool, Counter[str]]:
            # Each case is restored at most once in the plan, so a use that comes back restored
            # was restored by this call; None: its consume hasn't run yet, or covered nothing.
            use = quota_restore(reference=reference, reason="bench")
            if use is None or use.restored_at is None:
                return False, Counter()
            return False, Counter({use.source: -1})

        return run

    rng = random.Random(seed)
    plan: list[Operation] = []
    consumed: list[str] = []
    for n in range(ops):
        if n % 3 == 2:
            plan.append(restore(consumed.pop(rng.randrange(len(consumed)))))
        else:
            reference = f"submission:bench-{seed}-{n}"
            tier = rng.choice(["standard", "standard", "priority", "express"])
            plan.append(consume(rng.choice(members), reference, tier))
            consumed.append(reference)
    rng.shuffle(plan)
    return plan


def _quota_problems(members: list[Any], tally: Counter[str]) -> list[str]:
    from django.db.models import Count, Q

    from membership.models import QuotaPeriod, QuotaUse

    problems = []
    periods = QuotaPeriod.objects.filter(member__in=members).annotate(
        active=Count("uses", filter=Q(uses__source="free", uses__restored_at__isnull=True))
    )
    for period in periods:
        if period.used != period.active or not 0 <= period.used <= period.allowance:
            problems.append(
                f"{period.member}: {period.used} used of {period.allowance}, "
                f"{period.active} active free uses"
            )
    active = QuotaUse.objects.filter(member__in=members, restored_at__isnull=True)
    if active.values("reference").annotate(n=Count("id")).filter(n__gt=1).exists():
        problems.append("a case has two active uses")
    for source in ("free", "pass"):
        held = active.filter(source=source).count()
        if held != tally[source]:
            problems.append(f"the services left {tally[source]} {source} uses; there are {held}")
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
    header = (f"{'load':<8} {'members':>7} {'ops':>5} {'ops/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'refused':>8}  ledger")  # fmt: skip
    ledgers = [
        (
            f"points ledger: {args.ops} operations (half earns of 1-30, half spends of 1-30) "
            f"over {args.threads} threads, PostgreSQL {version}",
            lambda label, count: [
                User.objects.create_user(email=f"bench-{label}-{n}@example.com")
                for n in range(count)
            ],  # fmt: skip
            _points_plan,
            _points_problems,
        ),
        (
            f"quota ledger: {args.ops} operations (two consumes for each restore; "
            f"{QUOTA_FREE_A_MONTH} free a month, one member in five with a pass) "
            f"over {args.threads} threads, PostgreSQL {version}",
            _quota_members,
            _quota_plan,
            _quota_problems,
        ),
    ]
    failed = False
    for title, make_members, make_plan, find_problems in ledgers:
        print(f"{title}\n\n{header}")
        for label, count, seed in (("spread", args.members, 1), ("hot", 1, 2)):
            members = make_members(label, count)
            result = _race(make_plan(members, args.ops, seed), args.threads)
            problems = find_problems(members, result["tally"])
            failed |= bool(problems)
            print(f"{label:<8} {count:>7} {result['ops']:>5} {result['rate']:>7.0f} "
                  f"{result['p50']:>7.1f} {result['p95']:>7.1f} {result['refused']:>8}  "
                  f"{'exact' if not problems else '; '.join(problems[:3])}")  # fmt: skip
        print()
    connection.close()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
