"""Plans for quota tests: grant a seeded plan over a span around a fixed moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from members.models import User
from membership.models import Membership, Plan
from membership.services.plans import membership_grant

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
STANDARD = 2_500  # the Standard price of a case in these tests
PRIORITY = 4_000


def grant(member: User, code: str, *, starts_at: datetime, ends_at: datetime | None) -> Membership:
    return membership_grant(
        member=member,
        plan=Plan.objects.get(code=code),
        starts_at=starts_at,
        ends_at=ends_at,
        source=Membership.Source.PURCHASE,
    )
