"""What every quota test checks at its end: each period's count is exact, from the database's
own commit-time checks and from Python."""

from __future__ import annotations

from django.db import connection

from members.models import User
from membership.models import QuotaPeriod, QuotaUse


def assert_quota_exact(member: User) -> list[QuotaPeriod]:
    """Fire the deferred checks now (a test's own transaction never commits), then check each
    period's ``used`` is its active free-appraisal uses, within its allowance."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    periods = list(QuotaPeriod.objects.filter(member=member))
    for period in periods:
        active = QuotaUse.objects.filter(
            quota_period=period, source="free", restored_at__isnull=True
        ).count()
        assert period.used == active
        assert 0 <= period.used <= period.allowance
    assert not QuotaUse.objects.filter(member=member).exclude(quota_period__member=member).exists()
    return periods
