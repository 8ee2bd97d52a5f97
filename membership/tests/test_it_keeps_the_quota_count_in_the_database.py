"""PostgreSQL itself holds the quota count, even against raw SQL that skips the services: a
period's ``used`` stays within 0 and its allowance and equals its active free-appraisal uses
at commit; uses are never deleted, change only by one restore, and a case has one active use."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from members.models import User
from membership.models import QuotaPeriod, QuotaUse
from membership.services.quotas import quota_consume, quota_restore
from membership.tests.quotas_ledger import assert_quota_exact
from membership.tests.quotas_plans import DAY, NOW, STANDARD, grant

pytestmark = pytest.mark.django_db


def _consume(member: User, reference: str) -> QuotaUse:
    use = quota_consume(
        member=member,
        reference=reference,
        service_tier="standard",
        base_cents=STANDARD,
        standard_cents=STANDARD,
        now=NOW,
    )
    assert use is not None
    return use


def _refused(sql: str, *params: int) -> str:
    """Run ``sql`` and the deferred checks in a savepoint; the database's refusal, in words."""
    with pytest.raises(DatabaseError) as refused, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return str(refused.value)


@pytest.fixture
def black(buyer: User) -> User:
    grant(buyer, "black", starts_at=NOW - 3 * DAY, ends_at=None)
    return buyer


def test_used_never_goes_above_the_allowance_or_below_zero(black: User) -> None:
    _consume(black, "submission:a")
    period = QuotaPeriod.objects.get(member=black)

    message = _refused("UPDATE membership_quotaperiod SET used = 3 WHERE id = %s", period.pk)
    assert "membership_quota_used_within_allowance" in message
    message = _refused("UPDATE membership_quotaperiod SET used = -1 WHERE id = %s", period.pk)
    assert "membership_quota_used_not_negative" in message
    assert_quota_exact(black)


def test_used_must_equal_the_active_free_uses(black: User) -> None:
    use = _consume(black, "submission:a")
    period = use.quota_period

    # Giving the count back without restoring the use, or the other way round.
    message = _refused("UPDATE membership_quotaperiod SET used = 0 WHERE id = %s", period.pk)
    assert "1 active free appraisals" in message
    message = _refused(
        "UPDATE membership_quotause SET restored_at = now(), restore_reason = 'x' WHERE id = %s",
        use.pk,
    )
    assert "0 active free appraisals" in message
    # A second free use slipped in without its count.
    message = _refused(
        "INSERT INTO membership_quotause (member_id, quota_period_id, reference, source,"
        " service_tier, base_cents, covered_cents, created_at, restore_reason)"
        " VALUES (%s, %s, 'submission:raw', 'free', 'standard', 100, 100, now(), '')",
        black.pk,
        period.pk,
    )
    assert "2 active free appraisals" in message
    assert_quota_exact(black)


def test_a_use_is_never_deleted_nor_rewritten(black: User) -> None:
    use = _consume(black, "submission:a")

    assert "never deleted" in _refused("DELETE FROM membership_quotause WHERE id = %s", use.pk)
    for sql in [
        "UPDATE membership_quotause SET covered_cents = 0 WHERE id = %s",
        "UPDATE membership_quotause SET reference = 'submission:other' WHERE id = %s",
        "UPDATE membership_quotause SET source = 'pass' WHERE id = %s",
    ]:
        assert "only a restore" in _refused(sql, use.pk)
    assert_quota_exact(black)


def test_a_restore_happens_once_and_with_a_reason(black: User) -> None:
    use = _consume(black, "submission:a")
    period = use.quota_period

    message = _refused(
        "UPDATE membership_quotaperiod SET used = 0 WHERE id = %s;"
        "UPDATE membership_quotause SET restored_at = now() WHERE id = %s",
        period.pk,
        use.pk,
    )
    assert "membership_quota_use_restore_has_reason" in message
    quota_restore(reference="submission:a", reason="cancelled")
    message = _refused(
        "UPDATE membership_quotause SET restored_at = now(), restore_reason = 'again'"
        " WHERE id = %s",
        use.pk,
    )
    assert "only a restore, once" in message
    assert QuotaUse.objects.get(pk=use.pk).restore_reason == "cancelled"
    assert_quota_exact(black)


def test_a_case_has_one_active_use(black: User) -> None:
    use = _consume(black, "submission:a")
    period = use.quota_period

    message = _refused(
        "UPDATE membership_quotaperiod SET used = 2 WHERE id = %s;"
        "INSERT INTO membership_quotause (member_id, quota_period_id, reference, source,"
        " service_tier, base_cents, covered_cents, created_at, restore_reason)"
        " VALUES (%s, %s, 'submission:a', 'free', 'standard', 100, 100, now(), '')",
        period.pk,
        black.pk,
        period.pk,
    )
    assert "membership_quota_use_active_reference_once" in message
    assert_quota_exact(black)


def test_a_use_belongs_to_its_periods_member(black: User, stranger: User) -> None:
    period = _consume(black, "submission:a").quota_period

    message = _refused(
        "INSERT INTO membership_quotause (member_id, quota_period_id, reference, source,"
        " service_tier, base_cents, covered_cents, created_at, restore_reason)"
        " VALUES (%s, %s, 'submission:s', 'free', 'standard', 100, 100, now(), '')",
        stranger.pk,
        period.pk,
    )
    assert "in period" in message
    assert_quota_exact(black)


@pytest.mark.parametrize("covered", [-1, STANDARD + 1])
def test_a_use_covers_no_more_than_the_case_costs(black: User, covered: int) -> None:
    period = _consume(black, "submission:a").quota_period

    message = _refused(
        "INSERT INTO membership_quotause (member_id, quota_period_id, reference, source,"
        " service_tier, base_cents, covered_cents, created_at, restore_reason)"
        " VALUES (%s, %s, 'submission:b', 'free', 'standard', %s, %s, now(), '')",
        black.pk,
        period.pk,
        STANDARD,
        covered,
    )
    assert "membership_quota_use_covers_within_price" in message
    assert_quota_exact(black)
